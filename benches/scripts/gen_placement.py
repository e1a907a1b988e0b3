#!/usr/bin/env python3
"""Writes the placement-scaling scenarios of issue 12: n instances of 4 vCPU / 15,000 MiB
over three AZs, four task shapes, Poisson arrivals sized to a target utilization of the
binding resource, exponential 1 h durations, tasks queued through a capacity provider.

  gen_placement.py OUT_DIR [--sizes 100,1000,10000,50000] [--load 0.8] [--hours 6]

Workloads (the binding resource is never the strategy's field, except where noted):
  binpack_memory   binpack(memory); CPU binds (memory = 2 x CPU)
  binpack_cpu      binpack(cpu); memory binds (memory = 8 x CPU)
  spread_az_inst   spread(AZ) then spread(instanceId); CPU binds
  random           random; CPU binds
"""
import argparse
import os

CPU_BOUND = [(256, 512), (512, 1024), (1024, 2048), (2048, 4096)]
MEMORY_BOUND = [(128, 1024), (256, 2048), (512, 4096), (1024, 8192)]
INSTANCE_CPU, INSTANCE_MEMORY = 4096, 15000

WORKLOADS = {
    "binpack_memory": ('[{ type = "binpack", field = "memory" }]', CPU_BOUND, "cpu"),
    "binpack_cpu": ('[{ type = "binpack", field = "cpu" }]', MEMORY_BOUND, "memory"),
    "spread_az_inst": (
        '[{ type = "spread", field = "attribute:ecs.availability-zone" }, '
        '{ type = "spread", field = "instanceId" }]',
        CPU_BOUND,
        "cpu",
    ),
    "random": ('[{ type = "random" }]', CPU_BOUND, "cpu"),
}


def scenario(name, n, strategy, shapes, binding, load, hours):
    mean_hours = 1.0
    capacity = n * (INSTANCE_CPU if binding == "cpu" else INSTANCE_MEMORY)
    mean_need = sum(s[0 if binding == "cpu" else 1] for s in shapes) / len(shapes)
    live = load * capacity / mean_need
    rate_per_hour = live / mean_hours / len(shapes)
    out = [
        f'name = "{name}-{n}"',
        "seed = 12",
        f'horizon = "{hours}h"',
        'sample_interval = "10m"',
        "[cluster]",
        'availability_zones = ["az-a", "az-b", "az-c"]',
        "[timing]",
        "instant = true",
        "[[instance_types]]",
        'name = "four.fifteen"',
        "vcpu = 4",
        "memory_gib = 16",
        f"registered_memory_mib = {INSTANCE_MEMORY}",
        "[[cluster.pools]]",
        'name = "pool"',
        'instance_type = "four.fifteen"',
        f"count = {n}",
    ]
    for cpu, mem in shapes:
        out += [
            "[[taskDefinitions]]",
            f'family = "t{cpu}"',
            f"cpu = {cpu}",
            f"memory = {mem}",
            'networkMode = "host"',
        ]
    for cpu, _ in shapes:
        out += [
            "[[jobs]]",
            f'name = "j{cpu}"',
            f'taskDefinition = "t{cpu}"',
            'capacityProviderStrategy = [{ capacityProvider = "pool", weight = 1 }]',
            f"placementStrategy = {strategy}",
            f"arrival = {{ type = \"poisson\", rate_per_hour = {rate_per_hour:.3f} }}",
            'duration = { type = "exponential", mean = "1h" }',
        ]
    return "\n".join(out) + "\n"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--sizes", default="100,1000,10000,50000")
    p.add_argument("--load", type=float, default=0.8)
    p.add_argument("--hours", type=int, default=6)
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for name, (strategy, shapes, binding) in WORKLOADS.items():
        for n in map(int, args.sizes.split(",")):
            path = os.path.join(args.out, f"{name}-{n}.toml")
            with open(path, "w") as f:
                f.write(scenario(name, n, strategy, shapes, binding, args.load, args.hours))
            print(path)


if __name__ == "__main__":
    main()
