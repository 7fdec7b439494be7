"""Research views over a result set: timelines, keyword in context, co-occurrence."""
