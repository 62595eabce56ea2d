"""The run layer: one path from a task to a kernel-checked verdict."""
