"""Tables, charts and exports shared by the dashboards and reports."""
