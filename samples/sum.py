# A sample Python 3 solution: read N, then N integers; print their sum
# (docs/POLICIES.md, "python3").
import sys

words = sys.stdin.read().split()
n = int(words[0])
print(sum(int(w) for w in words[1:1 + n]))
