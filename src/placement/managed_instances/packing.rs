//! How ECS Managed Instances choose instances for the tasks waiting in PROVISIONING: one
//! batch, instance types and AZs picked together by first-fit-decreasing packing over the
//! allowed types, cheapest capacity first (AWS Containers blog, "Deep Dive: Amazon ECS
//! Managed Instances provisioning and optimization", ecs-current.md §1.2). AWS publishes
//! the method, not its details; what is chosen here (INFERRED, `scenarios/README.md`):
//!
//! 1. Tasks are taken in decreasing order of their dominant share (the larger of their
//!    CPU and memory as fractions of the largest allowed type), ties in waiting order.
//! 2. Each task gets an AZ first, spread taking precedence: the AZ with the fewest tasks
//!    of its group (those already placed counted), ties to the AZ listed first.
//! 3. Per AZ, instances are opened one at a time: for each allowed type, the remaining
//!    tasks are packed into one instance of it first-fit in that order; the type with the
//!    lowest hourly cost (price plus fee) per task packed wins (ties: more tasks, then the
//!    cheaper type). The instance is then the cheapest type that holds exactly those
//!    tasks. A task no allowed type can hold is left waiting.
//!
//! Pure: plain numbers in, a plan out.

/// What one waiting task needs of an instance.
#[derive(Clone, Debug, PartialEq)]
pub struct Item<'a> {
    /// CPU units it reserves.
    pub cpu: u32,
    /// Memory it reserves, MiB.
    pub memory: u32,
    /// Whole GPUs it reserves.
    pub gpu: u32,
    /// An awsvpc task: one ENI (or trunk branch) of the instance.
    pub eni: bool,
    /// Static host ports it binds.
    pub host_ports: &'a [u16],
    /// Task group, for AZ spread and `distinctInstance`.
    pub group: u32,
    /// `distinctInstance`: no other task of its group on the same instance.
    pub distinct: bool,
}

/// One allowed instance type, as registered, with its hourly cost (price plus fee).
#[derive(Clone, Debug, PartialEq)]
pub struct BinType {
    /// CPU units registered.
    pub cpu: u32,
    /// Memory registered, MiB.
    pub memory: u32,
    /// awsvpc tasks an instance can hold.
    pub eni: u32,
    /// Whole GPUs.
    pub gpu: u32,
    /// EC2 price plus management fee, US dollars per hour.
    pub hourly_cost: f64,
}

/// An instance to launch: its type (index into the types), AZ (index into the AZs) and
/// the tasks (indexes into the items) it was chosen for.
#[derive(Clone, Debug, PartialEq)]
pub struct Bin {
    /// Index into the allowed types.
    pub kind: usize,
    /// Index into the AZs.
    pub az: usize,
    /// Indexes of the items it holds.
    pub items: Vec<usize>,
}

/// The plan for one batch: instances to launch, and the tasks none can hold.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plan {
    /// The instances to launch.
    pub bins: Vec<Bin>,
    /// Indexes of the items no allowed type can hold.
    pub unplaced: Vec<usize>,
}

/// Packs `items` into new instances of `types` over `azs` AZs. `group_in_az[g][a]`: tasks
/// of group `g` already in AZ `a` (missing groups count 0); `admits(item, kind, az)`:
/// whether the task's placement constraints accept a fresh instance of that type there.
pub fn pack(
    items: &[Item<'_>],
    types: &[BinType],
    azs: usize,
    group_in_az: &dyn Fn(u32, usize) -> u32,
    admits: &dyn Fn(usize, usize, usize) -> bool,
) -> Plan {
    let mut plan = Plan::default();
    if azs == 0 || types.is_empty() {
        plan.unplaced = (0..items.len()).collect();
        return plan;
    }
    let max_cpu = types.iter().map(|t| t.cpu).max().unwrap_or(1).max(1);
    let max_mem = types.iter().map(|t| t.memory).max().unwrap_or(1).max(1);
    let share = |i: &Item| {
        (f64::from(i.cpu) / f64::from(max_cpu)).max(f64::from(i.memory) / f64::from(max_mem))
    };
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|a, b| share(&items[*b]).total_cmp(&share(&items[*a])));
    // AZ first: the group's least-used AZ that some type there admits.
    let mut added: Vec<(u32, usize)> = Vec::new();
    let mut per_az: Vec<Vec<usize>> = vec![Vec::new(); azs];
    for &i in &order {
        let group = items[i].group;
        let count = |a: usize| {
            group_in_az(group, a)
                + added
                    .iter()
                    .filter(|(g, az)| *g == group && *az == a)
                    .count() as u32
        };
        let az = (0..azs)
            .filter(|&a| {
                (0..types.len()).any(|k| admits(i, k, a) && fits_alone(&items[i], &types[k]))
            })
            .min_by_key(|&a| (count(a), a));
        match az {
            Some(a) => {
                added.push((group, a));
                per_az[a].push(i);
            }
            None => plan.unplaced.push(i),
        }
    }
    for (a, mut remaining) in per_az.into_iter().enumerate() {
        while !remaining.is_empty() {
            let best = (0..types.len())
                .filter_map(|k| {
                    let taken = first_fit(items, &remaining, &types[k], &|i| admits(i, k, a));
                    (!taken.is_empty()).then_some((k, taken))
                })
                .min_by(|(ka, ta), (kb, tb)| {
                    let per = |k: usize, n: usize| types[k].hourly_cost / n as f64;
                    per(*ka, ta.len())
                        .total_cmp(&per(*kb, tb.len()))
                        .then(tb.len().cmp(&ta.len()))
                        .then(types[*ka].hourly_cost.total_cmp(&types[*kb].hourly_cost))
                        .then(ka.cmp(kb))
                });
            let Some((k, taken)) = best else {
                plan.unplaced.append(&mut remaining);
                break;
            };
            // The cheapest type that holds exactly these tasks.
            let kind = (0..types.len())
                .filter(|&c| {
                    first_fit(items, &taken, &types[c], &|i| admits(i, c, a)).len() == taken.len()
                })
                .min_by(|x, y| {
                    types[*x]
                        .hourly_cost
                        .total_cmp(&types[*y].hourly_cost)
                        .then(x.cmp(y))
                })
                .unwrap_or(k);
            remaining.retain(|i| !taken.contains(i));
            plan.bins.push(Bin {
                kind,
                az: a,
                items: taken,
            });
        }
    }
    plan
}

fn fits_alone(item: &Item<'_>, t: &BinType) -> bool {
    item.cpu <= t.cpu && item.memory <= t.memory && item.gpu <= t.gpu && (!item.eni || t.eni > 0)
}

/// The items of `candidates` (in order) that one empty instance of `t` takes, first fit.
fn first_fit(
    items: &[Item<'_>],
    candidates: &[usize],
    t: &BinType,
    admits: &dyn Fn(usize) -> bool,
) -> Vec<usize> {
    let (mut cpu, mut memory, mut gpu, mut eni) = (0u32, 0u32, 0u32, 0u32);
    let mut taken: Vec<usize> = Vec::new();
    for &i in candidates {
        let item = &items[i];
        let clash = taken.iter().any(|&j| {
            let other = &items[j];
            let ports = item.host_ports.iter().any(|p| other.host_ports.contains(p));
            let distinct = other.group == item.group && (item.distinct || other.distinct);
            ports || distinct
        });
        let fits = cpu + item.cpu <= t.cpu
            && memory + item.memory <= t.memory
            && gpu + item.gpu <= t.gpu
            && eni + u32::from(item.eni) <= t.eni;
        if fits && !clash && admits(i) {
            cpu += item.cpu;
            memory += item.memory;
            gpu += item.gpu;
            eni += u32::from(item.eni);
            taken.push(i);
        }
    }
    taken
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(cpu: u32, memory: u32, group: u32) -> Item<'static> {
        Item {
            cpu,
            memory,
            gpu: 0,
            eni: true,
            host_ports: &[],
            group,
            distinct: false,
        }
    }

    /// r5a.large as it registers: 2 vCPU, 16 GiB × 0.975 = 15974 MiB, 10 trunk branches;
    /// $0.113 + 12% fee = $0.12656.
    fn r5a_large() -> BinType {
        BinType {
            cpu: 2048,
            memory: 15974,
            eni: 10,
            gpu: 0,
            hourly_cost: 0.12656,
        }
    }

    #[test]
    fn aws_deep_dive_demo_two_r5a_large_one_per_az() {
        // Service A: 2 × (1 vCPU, 9.5 GB = 9728 MiB); B: 2 × (1 vCPU, 5.5 GB = 5632 MiB).
        // A then B spread one per AZ; per AZ A + B = 2048 CPU, 15360 MiB ≤ 15974: one
        // r5a.large each (ecs-current.md §1.9 case 1).
        let items = [
            item(1024, 9728, 0),
            item(1024, 9728, 0),
            item(1024, 5632, 1),
            item(1024, 5632, 1),
        ];
        let plan = pack(&items, &[r5a_large()], 2, &|_, _| 0, &|_, _, _| true);
        assert_eq!(
            plan.bins,
            vec![
                Bin {
                    kind: 0,
                    az: 0,
                    items: vec![0, 2]
                },
                Bin {
                    kind: 0,
                    az: 1,
                    items: vec![1, 3]
                },
            ]
        );
        assert!(plan.unplaced.is_empty());
    }

    #[test]
    fn cheapest_per_task_then_right_sized() {
        // Three 0.5 vCPU / 3 GiB tasks in one AZ. medium (1 vCPU, 7987 MiB, $0.085) takes
        // 2 (1024 CPU): $0.0425 a task; large (2 vCPU, 15974 MiB, $0.17) takes all 3:
        // $0.0567 a task. The medium wins and opens first; the third task then goes alone
        // on a medium ($0.085 < $0.17).
        let medium = BinType {
            cpu: 1024,
            memory: 7987,
            eni: 1,
            gpu: 0,
            hourly_cost: 0.085,
        };
        let large = BinType {
            cpu: 2048,
            memory: 15974,
            eni: 10,
            gpu: 0,
            hourly_cost: 0.17,
        };
        let mut items = vec![item(512, 3072, 0); 3];
        for i in &mut items {
            i.eni = false;
        }
        let plan = pack(
            &items,
            &[medium.clone(), large.clone()],
            1,
            &|_, _| 0,
            &|_, _, _| true,
        );
        assert_eq!(plan.bins.len(), 2);
        assert_eq!(plan.bins[0].kind, 0);
        assert_eq!(plan.bins[0].items, vec![0, 1]);
        assert_eq!(plan.bins[1].kind, 0);
        // With awsvpc tasks the medium holds one (one ENI): $0.085 a task against the
        // large's $0.0567: one large for all three.
        let items = vec![item(512, 3072, 0); 3];
        let plan = pack(&items, &[medium, large], 1, &|_, _| 0, &|_, _, _| true);
        assert_eq!(
            plan.bins,
            vec![Bin {
                kind: 1,
                az: 0,
                items: vec![0, 1, 2]
            }]
        );
    }

    #[test]
    fn too_big_tasks_wait_and_constraints_bind() {
        let items = [item(4096, 1024, 0), item(1024, 1024, 1)];
        let plan = pack(&items, &[r5a_large()], 2, &|_, _| 0, &|i, _, az| {
            i == 0 || az == 1
        });
        assert_eq!(plan.unplaced, vec![0]);
        assert_eq!(
            plan.bins,
            vec![Bin {
                kind: 0,
                az: 1,
                items: vec![1]
            }]
        );
    }

    #[test]
    fn spread_counts_tasks_already_placed() {
        // Group 0 already has 2 tasks in AZ 0: the new one goes to AZ 1.
        let items = [item(1024, 1024, 0)];
        let plan = pack(
            &items,
            &[r5a_large()],
            2,
            &|g, a| if g == 0 && a == 0 { 2 } else { 0 },
            &|_, _, _| true,
        );
        assert_eq!(plan.bins[0].az, 1);
    }
}
