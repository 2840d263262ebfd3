"""Built-in questionnaire definitions (YAML files beside this module) and their schema."""
