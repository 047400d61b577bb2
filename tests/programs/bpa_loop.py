"""Breakpoint counting: a loop whose lines run ten times each, with secrets nearby."""

password = "hunter2-sekrit"
user = {"name": "ann", "password": "hunter2-sekrit"}
d = {"a": 1}
total = 0
for i in range(10):
    s1 = i  # @h1
    s2 = i  # @h2
    s3 = i  # @h3
    s4 = i  # @h4
    s5 = i  # @h5
    s6 = i  # @h6
    s7 = i  # @h7
    total += i  # @loop
print("total", total)  # @after
