"""The Career Conversations method as pure domain logic: attrs values, no I/O, time passed in."""
