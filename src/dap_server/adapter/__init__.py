"""The adapter process: what the editor starts. Owns the debuggee's lifetime."""
