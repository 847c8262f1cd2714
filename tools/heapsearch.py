"""The smallest heap at which something still works: the benchmarks' and the harness's search."""


def smallest(works, lo=4, hi=512):
    # Binary search in KiB for the smallest heap where works(kib) holds (None if not even at hi),
    # then confirmed twice at the answer, as heap fragmentation is not monotonic.
    if not works(hi):
        return None
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if works(mid):
            hi = mid
        else:
            lo = mid
    while not (works(hi) and works(hi)):
        hi += 1
    return hi
