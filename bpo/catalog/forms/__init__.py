"""One module per area: service_lines, scripts, escalations."""
