"""The read API's use cases: personal access tokens (`tokens`) and what the API reads (`reading`)."""
