"""The binpack placement model of issue 12 as a SimPy user writes it: n instances of
4 vCPU / 15,000 MiB, four task shapes (memory = 2 x CPU), Poisson arrivals at LOAD of the
cluster's CPU, exponential 1 h durations, binpack(memory): each placement scans every
instance for the least free memory that still fits; a task that fits nowhere waits FIFO
and the queue is retried whenever a task stops.

  binpack_simpy.py INSTANCES [--load 1.0] [--hours 4]
"""
import argparse
import collections
import random
import time

import simpy

SHAPES = [(256, 512), (512, 1024), (1024, 2048), (2048, 4096)]
CPU, MEMORY = 4096, 15000


def main():
    p = argparse.ArgumentParser()
    p.add_argument("instances", type=int)
    p.add_argument("--load", type=float, default=1.0)
    p.add_argument("--hours", type=float, default=4.0)
    a = p.parse_args()
    rng = random.Random(7)
    env = simpy.Environment()
    free_cpu = [CPU] * a.instances
    free_mem = [MEMORY] * a.instances
    waiting = collections.deque()
    mean_cpu = sum(s[0] for s in SHAPES) / len(SHAPES)
    rate_per_hour = a.load * a.instances * CPU / mean_cpu  # mean duration 1 h
    counts = {"events": 0}

    def place(cpu, mem):
        best = None
        for i in range(a.instances):
            if free_cpu[i] >= cpu and free_mem[i] >= mem:
                if best is None or free_mem[i] < free_mem[best]:
                    best = i
        return best

    def run(i, cpu, mem):
        yield env.timeout(rng.expovariate(1.0))
        counts["events"] += 1
        free_cpu[i] += cpu
        free_mem[i] += mem
        while waiting:
            c, m = waiting[0]
            j = place(c, m)
            if j is None:
                break
            waiting.popleft()
            start(j, c, m)

    def start(i, cpu, mem):
        free_cpu[i] -= cpu
        free_mem[i] -= mem
        env.process(run(i, cpu, mem))

    def source():
        while True:
            yield env.timeout(rng.expovariate(rate_per_hour))
            counts["events"] += 1
            cpu, mem = rng.choice(SHAPES)
            i = place(cpu, mem) if not waiting else None
            if i is None:
                waiting.append((cpu, mem))
            else:
                start(i, cpu, mem)

    env.process(source())
    begin = time.process_time()
    env.run(until=a.hours)
    elapsed = time.process_time() - begin
    e = counts["events"]
    print(f"simpy binpack {elapsed:.3f} s {e} events {e / elapsed:.0f} events/s")


if __name__ == "__main__":
    main()
