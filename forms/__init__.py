"""WTForms classes, one module per area. Forms only validate; views pass choices in."""
