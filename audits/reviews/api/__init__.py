"""REST API of management reviews and their actions."""
