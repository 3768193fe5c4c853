"""Daily quote posts: schedules per channel, exactly once per (schedule, local date).

Import the parts from their modules (`bot.schedule.scheduler`, `bot.schedule.commands`, ...);
this package builds nothing at import time."""
