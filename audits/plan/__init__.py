"""The first 90 days: a plan of tasks generated from the gap assessment, in 30/60/90-day
phases, with owners, due dates, reminders and a progress view."""
