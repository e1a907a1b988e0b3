"""M/M/c as a SimPy user writes it: a Resource of c servers, Poisson arrivals,
exponential service, FIFO waiting. Prints the wall time and events (arrival + departure
per task, what ecsim counts for this model).

  mmc_simpy.py ARRIVALS [--servers 10] [--rate 9] [--mu 1]   (per minute)
"""
import argparse
import random
import time

import simpy


def main():
    p = argparse.ArgumentParser()
    p.add_argument("arrivals", type=int)
    p.add_argument("--servers", type=int, default=10)
    p.add_argument("--rate", type=float, default=9.0)
    p.add_argument("--mu", type=float, default=1.0)
    a = p.parse_args()
    rng = random.Random(7)
    env = simpy.Environment()
    servers = simpy.Resource(env, capacity=a.servers)
    done = [0]

    def task():
        with servers.request() as slot:
            yield slot
            yield env.timeout(rng.expovariate(a.mu))
        done[0] += 1

    def source():
        for _ in range(a.arrivals):
            yield env.timeout(rng.expovariate(a.rate))
            env.process(task())

    env.process(source())
    start = time.process_time()
    env.run()
    elapsed = time.process_time() - start
    events = a.arrivals + done[0]
    print(f"simpy mmc {elapsed:.3f} s {events} events {events / elapsed:.0f} events/s")


if __name__ == "__main__":
    main()
