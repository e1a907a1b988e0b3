//! Hostile inputs as a user might write them (issue 11), one line of data each: the
//! scenario (a small valid base with one thing changed), the command, the exit status
//! expected and words the message must contain. Every error must also be free of Rust
//! internals and of panics. `ecsim import`'s cases, whose inputs are several JSON files,
//! are the seeds of the fuzz target `import`, in the table of `import.rs`.

use std::path::Path;
use std::process::{Command, Output, Stdio};

pub const BASE: &str = r#"
horizon = "1h"

[[cluster.pools]]
name = "p"
instance_type = "m5.large"
count = 2

[[taskDefinitions]]
family = "web"
cpu = 256
memory = 512

[[services]]
name = "web"
taskDefinition = "web"
desiredCount = 2
"#;

/// A Managed Instances provider running one service (issue 33).
pub const MI_BASE: &str = r#"
horizon = "1h"

[[managed_instances]]
name = "mi"

[[taskDefinitions]]
family = "web"
cpu = 256
memory = 512
networkMode = "awsvpc"
requiresCompatibilities = ["MANAGED_INSTANCES"]

[[services]]
name = "web"
taskDefinition = "web"
desiredCount = 2
capacityProviderStrategy = [{ capacityProvider = "mi", weight = 1 }]
"#;

fn ecsim(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ecsim"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("ecsim runs")
}

/// `BASE` with `from` replaced by `to` (each `from` must be in the base) and `extra`
/// appended.
fn scenario(edits: &[(&str, &str)], extra: &str) -> String {
    let mut text = BASE.to_string();
    for (from, to) in edits {
        assert!(text.contains(from), "base lacks {from:?}");
        text = text.replacen(from, to, 1);
    }
    text + extra
}

struct Case {
    name: &'static str,
    text: String,
    /// The command; `S` stands for the scenario file, `D` for a fresh directory.
    args: &'static [&'static str],
    code: i32,
    says: &'static [&'static str],
}

fn case(
    name: &'static str,
    text: String,
    args: &'static [&'static str],
    code: i32,
    says: &'static [&'static str],
) -> Case {
    Case {
        name,
        text,
        args,
        code,
        says,
    }
}

const VALIDATE: &[&str] = &["validate", "S"];
const RUN: &[&str] = &["run", "S", "--quiet", "--out", "D/out"];

fn cases() -> Vec<Case> {
    let s = scenario;
    let codes51 = format!(
        "memory = 512\nrestartPolicy = {{ enabled = true, ignoredExitCodes = [{}] }}\n",
        (0..51)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let fargate = "\n[[taskDefinitions]]\nfamily = \"f\"\ncpu = 256\nmemory = 16384\nrequiresCompatibilities = [\"FARGATE\"]\n[[services]]\nname = \"tiny\"\ntaskDefinition = \"f\"\ndesiredCount = 1\nlaunchType = \"FARGATE\"\n";
    let job = |arrival: &str| {
        format!(
            "\n[[jobs]]\nname = \"j\"\ntaskDefinition = \"web\"\narrival = {arrival}\nduration = {{ type = \"constant\", value = 60 }}\n"
        )
    };
    let commitment =
        |line: &str| format!("[[commitments]]\nkind = \"compute_savings_plan\"\n{line}\n");
    let mi = |edits: &[(&str, &str)]| {
        let mut text = MI_BASE.to_string();
        for (from, to) in edits {
            assert!(text.contains(from), "Managed Instances base lacks {from:?}");
            text = text.replacen(from, to, 1);
        }
        text
    };
    let runaway = format!(
        "[failures]\nevents = [{}]\n[limits]\nevents_per_instant = 100\n",
        vec!["{ action = \"kill_tasks\", at = 0, service = \"web\" }"; 150].join(", ")
    );
    // Issue 35: a predictive policy (`spec` its metric specification's inside, `line` more
    // settings) and high-resolution metrics on the base's service.
    let predictive = |spec: &str, line: &str| {
        format!(
            "demand = {{ type = \"constant\", value = 100 }}\n[services.auto_scaling]\nmin = 1\nmax = 4\n[services.auto_scaling.predictive]\nmetric_specification = {{ {spec} }}\n{line}\n"
        )
    };
    let pair = "target_value = 50, predefined_metric_pair = \"ECSServiceCPUUtilization\"";
    let fast = |resolution: &str, tt: &str| {
        format!(
            "{resolution}demand = {{ type = \"constant\", value = 100 }}\n[services.auto_scaling]\nmin = 1\nmax = 4\ntarget_tracking = [{{ {tt} }}]\n"
        )
    };
    vec![
        case("predictive target 0", s(&[], &predictive("target_value = 0, predefined_metric_pair = \"ECSServiceCPUUtilization\"", "")), VALIDATE, 2,
            &["services[0].auto_scaling.predictive.metric_specification.target_value", "1 to 100"]),
        case("predictive pair and scaling metric", s(&[], &predictive("target_value = 50, predefined_metric_pair = \"ECSServiceCPUUtilization\", predefined_scaling_metric = \"ECSServiceAverageCPUUtilization\"", "")), VALIDATE, 2,
            &["metric_specification.predefined_metric_pair", "not both"]),
        case("predictive scaling metric without a load metric", s(&[], &predictive("target_value = 50, predefined_scaling_metric = \"ECSServiceAverageCPUUtilization\"", "")), VALIDATE, 2,
            &["predictive.metric_specification", "both predefined_scaling_metric and predefined_load_metric"]),
        case("predictive CPU scaling on a memory load", s(&[], &predictive("target_value = 50, predefined_scaling_metric = \"ECSServiceAverageCPUUtilization\", predefined_load_metric = \"ECSServiceTotalMemoryUtilization\"", "")), VALIDATE, 2,
            &["predefined_load_metric", "does not measure the resource"]),
        case("predictive on request counts", s(&[], &predictive("target_value = 50, predefined_metric_pair = \"ALBRequestCount\"", "")), VALIDATE, 2,
            &["predefined_metric_pair", "load balancer requests", "ECSServiceCPUUtilization, ECSServiceMemoryUtilization"]),
        case("predictive mode misspelt", s(&[], &predictive(pair, "mode = \"ForecastAndscale\"")), VALIDATE, 2,
            &["predictive.mode", "ForecastOnly, ForecastAndScale"]),
        case("predictive buffer of an hour", s(&[], &predictive(pair, "scheduling_buffer_time = \"1h\"")), VALIDATE, 2,
            &["predictive.scheduling_buffer_time", "3600"]),
        case("IncreaseMaxCapacity without a buffer", s(&[], &predictive(pair, "max_capacity_breach_behavior = \"IncreaseMaxCapacity\"")), VALIDATE, 2,
            &["predictive.max_capacity_buffer", "is required", "0 to 100"]),
        case("a buffer while honouring the maximum", s(&[], &predictive(pair, "max_capacity_buffer = 10")), VALIDATE, 2,
            &["predictive.max_capacity_buffer", "only with"]),
        case("a buffer of 101%", s(&[], &predictive(pair, "max_capacity_breach_behavior = \"IncreaseMaxCapacity\"\nmax_capacity_buffer = 101")), VALIDATE, 2,
            &["predictive.max_capacity_buffer", "101 is out of range"]),
        case("an unknown forecaster", s(&[], &predictive(pair, "forecaster = \"prophet\"")), VALIDATE, 2,
            &["predictive.forecaster", "seasonal, oracle"]),
        case("a week weight on the oracle", s(&[], &predictive(pair, "forecaster = \"oracle\"\nweek_weight = 0.5")), VALIDATE, 2,
            &["predictive.week_weight", "seasonal forecaster"]),
        case("a predictive memory pair without memory demand", s(&[], &predictive("target_value = 50, predefined_metric_pair = \"ECSServiceMemoryUtilization\"", "")), VALIDATE, 2,
            &["predictive.metric_specification", "`memory_demand`"]),
        case("metrics every 30 s", s(&[], &fast("metric_resolution = \"30s\"\n", "metric = \"cpu\", target = 50")), VALIDATE, 2,
            &["services[0].metric_resolution", "20s, 60s"]),
        case("a high-resolution metric at 60 s", s(&[], &fast("", "metric = \"ECSServiceAverageCPUUtilizationHighResolution\", target = 50")), VALIDATE, 2,
            &["services[0].auto_scaling", "metric_resolution = \"20s\""]),
        case("datapoint counts on a one-minute metric", s(&[], &fast("metric_resolution = \"20s\"\n", "metric = \"cpu\", target = 50, scale_out_datapoints = 2")), VALIDATE, 2,
            &["target_tracking[0].scale_out_datapoints", "high-resolution metrics only"]),
        case("61 datapoints", s(&[], &fast("metric_resolution = \"20s\"\n", "metric = \"ECSServiceAverageCPUUtilizationHighResolution\", target = 50, scale_in_datapoints = 61")), VALIDATE, 2,
            &["target_tracking[0].scale_in_datapoints", "1 to 60"]),
        // Never hang: the four zero-time loops, refused at validation.
        case("crash at once, instant timing", s(&[], "crash_after = { type = \"constant\", value = 0 }\n[timing]\ninstant = true\n"), VALIDATE, 2,
            &["services[0].crash_after", "crash the instant it reaches RUNNING"]),
        case("always fails to start, no backoff", s(&[], "start_failure_probability = 1\n[failures]\nrestart_backoff = { initial = 0, factor = 1.0, cap = 0 }\n"), VALIDATE, 2,
            &["failures.restart_backoff.initial", "service `web`", "without end"]),
        case("instance fails at once, launches at once", s(&[("count = 2\n", "count = 2\ninstance_failure = { type = \"constant\", value = 0 }\n")], "[timing]\ninstance_launch = 0\n"), VALIDATE, 2,
            &["cluster.pools[0].instance_failure", "without end"]),
        case("Spot reclaimed at once, zero notice", s(&[("count = 2\n", "count = 2\nspot = true\nspot_interruption = { type = \"constant\", value = 0 }\n")], "[timing]\ninstance_launch = 0\n[failures]\nspot_notice = 0\n"), VALIDATE, 2,
            &["cluster.pools[0].spot_interruption", "without end"]),
        // ... and the engine's own guard, for what validation cannot see.
        case("more events at one instant than the limit", s(&[], &format!("[failures]\nevents = [{}]\n[limits]\nevents_per_instant = 100\n", vec!["{ action = \"kill_tasks\", at = 0, service = \"web\" }"; 150].join(", "))), RUN, 3,
            &["more than 100 events at that one instant", "the last failures.events[100]", "limits.events_per_instant", "nothing was written"]),
        // ... in every command that runs the simulation: compare's legs and searches too.
        case("a compare leg repeats one instant", s(&[], &runaway), &["compare", "S", "--quiet", "--with", "scenario", "--with", "fargate", "--out", "D/cmp"], 3,
            &["leg scenario: the run stopped at simulated time", "more than 100 events at that one instant", "nothing was written"]),
        case("a commitment leg repeats one instant", s(&[], &runaway), &["compare", "S", "--quiet", "--recommend-commitment", "--with", "scenario", "--out", "D/cmp"], 3,
            &["leg scenario:", "more than 100 events at that one instant", "nothing was written"]),
        case("a recommend candidate repeats one instant", s(&[], &runaway), &["compare", "S", "--quiet", "--recommend", "--types", "m5.large", "--max-count", "4", "--target-availability", "0.5", "--out", "D/cmp"], 3,
            &["candidate m5.large:", "more than 100 events at that one instant", "nothing was written"]),
        // The targets a comparison's report judges legs by: a wait in seconds, a share.
        case("a compare target of minus a minute", BASE.to_string(), &["compare", "S", "--quiet", "--target-pending-p95=-60", "--out", "D/cmp"], 2,
            &["--target-pending-p95 -60", "a number of seconds, at least 0"]),
        case("a compare availability target of 99.9", BASE.to_string(), &["compare", "S", "--quiet", "--target-availability", "99.9", "--out", "D/cmp"], 2,
            &["--target-availability 99.9", "a fraction from 0 to 1", "0.999 for three nines"]),
        // Deployment strategies (issue 34): ECS's ranges, in ECS's words.
        case("a deployment strategy ECS lacks", s(&[("desiredCount = 2\n", "desiredCount = 2\ndeploymentConfiguration = { strategy = \"rainbow\" }\n")], ""), VALIDATE, 2,
            &["services[0].deploymentConfiguration.strategy", "`rainbow` is not a deployment strategy", "ROLLING, BLUE_GREEN, LINEAR, CANARY"]),
        case("a linear step of 2.5 percent", s(&[("desiredCount = 2\n", "desiredCount = 2\ndeploymentConfiguration = { strategy = \"LINEAR\", linearConfiguration = { stepPercent = 2.5 } }\n")], ""), VALIDATE, 2,
            &["linearConfiguration.stepPercent", "2.5 is out of range", "3 to 100, in steps of 0.1"]),
        case("a bake of two days", s(&[("desiredCount = 2\n", "desiredCount = 2\ndeploymentConfiguration = { strategy = \"BLUE_GREEN\", bakeTimeInMinutes = 2880 }\n")], ""), VALIDATE, 2,
            &["bakeTimeInMinutes", "0 to 1440 minutes (24 hours)"]),
        case("rebalancing a binpack service", s(&[("desiredCount = 2\n", "desiredCount = 2\nplacementStrategy = [{ type = \"binpack\", field = \"memory\" }]\navailabilityZoneRebalancing = \"ENABLED\"\n")], ""), VALIDATE, 2,
            &["services[0].availabilityZoneRebalancing", "ECS does not rebalance", "DISABLED"]),
        // Issue 34 item 6: the restart policy, managed draining and Fargate's launch rate.
        case("a restart attempt period of 30 s", s(&[("memory = 512\n", "memory = 512\nrestartPolicy = { enabled = true, restartAttemptPeriod = 30 }\n")], ""), VALIDATE, 2,
            &["taskDefinitions[0].restartPolicy.restartAttemptPeriod", "30 s is out of range", "60 to 1800 seconds"]),
        case("a restart attempt period of an hour", s(&[("memory = 512\n", "memory = 512\nrestartPolicy = { enabled = true, restartAttemptPeriod = 3600 }\n")], ""), VALIDATE, 2,
            &["restartPolicy.restartAttemptPeriod", "3600 s is out of range", "default is 300"]),
        case("a restart policy without enabled", s(&[("memory = 512\n", "memory = 512\nrestartPolicy = { restartAttemptPeriod = 300 }\n")], ""), VALIDATE, 2,
            &["taskDefinitions[0].restartPolicy", "enabled"]),
        case("a negative restart attempt period", s(&[("memory = 512\n", "memory = 512\nrestartPolicy = { enabled = true, restartAttemptPeriod = -5 }\n")], ""), VALIDATE, 2,
            &["restartPolicy.restartAttemptPeriod"]),
        case("51 ignored exit codes", s(&[("memory = 512\n", &codes51)], ""), VALIDATE, 2,
            &["restartPolicy.ignoredExitCodes", "51 exit codes", "at most 50"]),
        case("an exit code in words", s(&[("memory = 512\n", "memory = 512\nrestartPolicy = { enabled = true, ignoredExitCodes = [\"one\"] }\n")], ""), VALIDATE, 2,
            &["restartPolicy.ignoredExitCodes"]),
        case("managed draining as text", s(&[("count = 2\n", "count = 2\nmanagedDraining = \"ENABLED\"\n")], ""), VALIDATE, 2,
            &["cluster.pools[0].managedDraining"]),
        case("a Fargate launch burst of zero", s(&[], "[fargate]\nlaunch_burst = 0\n"), VALIDATE, 2,
            &["fargate.launch_burst", "no Fargate task launch", "default 100"]),
        case("a Fargate launch rate of zero", s(&[], "[fargate]\nlaunch_rate_per_s = 0\n"), VALIDATE, 2,
            &["fargate.launch_rate_per_s", "0 is out of range", "default 20"]),
        case("a Fargate launch rate of NaN", s(&[], "[fargate]\nlaunch_rate_per_s = nan\n"), VALIDATE, 2,
            &["fargate.launch_rate_per_s", "NaN is out of range"]),
        case("a Fargate launch rate of infinity", s(&[], "[fargate]\nlaunch_rate_per_s = inf\n"), VALIDATE, 2,
            &["fargate.launch_rate_per_s", "out of range"]),
        case("a Fargate launch burst in words", s(&[], "[fargate]\nlaunch_burst = \"lots\"\n"), VALIDATE, 2,
            &["fargate.launch_burst", "\"lots\" is not a whole number of tasks, or \"none\""]),
        case("zero events per instant", s(&[], "[limits]\nevents_per_instant = 0\n"), VALIDATE, 2, &["limits.events_per_instant"]),
        // The PROVISIONING limits: a place for a waiting task, a wait that can end.
        case("no room to wait in PROVISIONING", s(&[("[[cluster.pools]]", "[cluster]\nmax_provisioning_tasks = 0\n\n[[cluster.pools]]")], ""), VALIDATE, 2,
            &["cluster.max_provisioning_tasks", "refuse every task", "\"none\" for no limit", "default 500"]),
        case("a PROVISIONING limit in words", s(&[("[[cluster.pools]]", "[cluster]\nmax_provisioning_tasks = \"lots\"\n\n[[cluster.pools]]")], ""), VALIDATE, 2,
            &["cluster.max_provisioning_tasks", "\"lots\" is not a whole number of tasks, or \"none\""]),
        case("a zero PROVISIONING timeout", s(&[("[[cluster.pools]]", "[cluster]\nprovisioning_timeout = 0\n\n[[cluster.pools]]")], ""), VALIDATE, 2,
            &["cluster.provisioning_timeout", "the moment it waits", "\"none\" to wait for ever"]),
        case("a PROVISIONING timeout that is no duration", s(&[("[[cluster.pools]]", "[cluster]\nprovisioning_timeout = \"soon\"\n\n[[cluster.pools]]")], ""), VALIDATE, 2,
            &["cluster.provisioning_timeout", "\"soon\" is not a duration", "or \"none\""]),
        // Size guards: the estimate and the flag that goes past it.
        case("a trillion jobs an hour", s(&[], &job("{ type = \"poisson\", rate_per_hour = 1e12 }")), RUN, 2,
            &["about 1.0e12 tasks", "--allow-large"]),
        case("a hundred years", s(&[("horizon = \"1h\"", "horizon = \"36500d\"")], ""), RUN, 2,
            &["52.6 M timeseries samples", "--allow-large"]),
        case("millisecond samples for a day", s(&[("horizon = \"1h\"", "horizon = \"1d\"\nsample_interval = \"1ms\"")], ""), RUN, 2,
            &["86.4 M timeseries samples", "sample_interval", "--allow-large"]),
        // ... for every run a command makes, not only the scenario as written.
        case("a sweep variant of a hundred years", BASE.to_string(), &["sweep", "S", "-r", "1", "--vary", "horizon=1h,36500d", "--out", "D/sw"], 2,
            &["the variant horizon=36500d", "52.6 M timeseries samples", "--allow-large"]),
        case("a recommend search of a hundred million instances", s(&[("horizon = \"1h\"", "horizon = \"1d\""), ("count = 2\n", "count = 2\ninstance_failure = { type = \"exponential\", mean = 3600 }\n")], ""),
            &["compare", "S", "--quiet", "--recommend", "--max-count", "100000000", "--target-availability", "0.5", "--out", "D/cmp"], 2,
            &["--recommend with 100000000 instances", "events", "--allow-large"]),
        case("horizon 1e308", s(&[("horizon = \"1h\"", "horizon = 1e308")], ""), VALIDATE, 2,
            &["horizon", "1.0e308 s is longer than", "365000d"]),
        // Nothing written outside output/.
        case("name climbs out of output/", format!("name = \"../../x\"\n{BASE}"), VALIDATE, 2,
            &["field `name`", "not a plain file name"]),
        case("absolute name", format!("name = \"/tmp/x\"\n{BASE}"), VALIDATE, 2, &["not a plain file name"]),
        case("--out is a file", BASE.to_string(), &["run", "S", "--quiet", "--out", "S"], 2, &["is a file, not a directory"]),
        case("--out below a file", BASE.to_string(), &["run", "S", "--quiet", "--out", "S/sub"], 2, &["cannot write results into"]),
        // Impossible or suspicious configurations.
        case("EC2 service, no pools", s(&[("[[cluster.pools]]\nname = \"p\"\ninstance_type = \"m5.large\"\ncount = 2\n", "")], ""), VALIDATE, 2,
            &["services[0].taskDefinition", "no pools"]),
        case("task bigger than every instance", s(&[("cpu = 256", "cpu = 8192")], ""), VALIDATE, 2,
            &["needs 8192 CPU units", "pool `p` of m5.large"]),
        case("no instances and max_size 0", s(&[("count = 2\n", "count = 0\nmanaged_scaling = { max_size = 0 }\n")], ""), VALIDATE, 2,
            &["could never be placed", "max_size"]),
        case("duplicate AZ", BASE.replacen("horizon = \"1h\"\n", "horizon = \"1h\"\n[cluster]\navailability_zones = [\"us-east-1a\", \"us-east-1a\"]\n", 1), VALIDATE, 2,
            &["availability_zones[1]", "listed twice"]),
        case("fractional CPU units", s(&[("cpu = 256", "cpu = 0.4")], ""), VALIDATE, 2,
            &["taskDefinitions[0].cpu", "0.4 is not a whole number of CPU units", "0.4 vcpu"]),
        case("memberOf nothing matches", s(&[], "placementConstraints = [{ type = \"memberOf\", expression = \"attribute:ecs.instance-type == c5.24xlarge\" }]\n"), VALIDATE, 0,
            &["warning: services[0].placementConstraints[0]", "memberOf"]),
        case("Fargate rounding more than doubles", s(&[], fargate), VALIDATE, 0,
            &["warning: taskDefinitions[1]", "256 CPU units / 16384 MiB is billed on Fargate as 2048 / 16384"]),
        case("--jobs 0", BASE.to_string(), &["sweep", "S", "-r", "1", "--jobs", "0", "--out", "D/sw"], 2, &["--jobs 0"]),
        // Errors in the user's words.
        case("horizon = true", s(&[("horizon = \"1h\"", "horizon = true")], ""), VALIDATE, 2,
            &["field `horizon`", "got true; expected a duration"]),
        case("count as a word", s(&[("desiredCount = 2", "desiredCount = \"four\"")], ""), VALIDATE, 2,
            &["services[0].desiredCount", "got \"four\"; expected a whole number from 0 to 4294967295"]),
        case("negative count", s(&[("desiredCount = 2", "desiredCount = -1")], ""), VALIDATE, 2,
            &["got -1; expected a whole number"]),
        case("count 1e13", s(&[("count = 2", "count = 1e13")], ""), VALIDATE, 2,
            &["cluster.pools[0].count", "got 10000000000000.0; expected a whole number"]),
        case("--set a table to a number", BASE.to_string(), &["validate", "S", "--set", "cluster=5"], 2,
            &["cluster", "got 5; expected a table"]),
        case("--set in a section the file leaves out", BASE.to_string(), &["validate", "S", "--set", "fargate.spot_interruption={ type = \"exponential\", mean = 3600 }"], 0,
            &["ok"]),
        case("--set a key that section does not take", BASE.to_string(), &["validate", "S", "--set", "fargate.spot_interuption=60"], 2,
            &["--set fargate.spot_interuption=60", "field `fargate.spot_interuption`", "`max_concurrent_tasks`, `spot_interruption`, `launch_burst`, `launch_rate_per_s`"]),
        case("--set an element the file lacks", BASE.to_string(), &["validate", "S", "--set", "commitments[0].count=2"], 2,
            &["field `commitments`", "no element 0", "add `commitments` to the file"]),
        case("binpack on disk", s(&[], "placementStrategy = [{ type = \"binpack\", field = \"disk\" }]\n"), VALIDATE, 2,
            &["placementStrategy[0].field", "not \"disk\"", "cpu, memory"]),
        case("unknown placement policy", s(&[], "placementStrategy = [{ type = \"policy\", name = \"tetrs\" }]\n"), VALIDATE, 2,
            &["placementStrategy[0].name", "no placement policy is registered as `tetrs`", "first-fit, best-fit, worst-fit, tetris"]),
        case("policy without a name", s(&[], "placementStrategy = [{ type = \"policy\" }]\n"), VALIDATE, 2,
            &["placementStrategy[0].name", "a policy rule needs a name", "tetris, most-allocated"]),
        case("a name on binpack", s(&[], "placementStrategy = [{ type = \"binpack\", field = \"cpu\", name = \"tetris\" }]\n"), VALIDATE, 2,
            &["placementStrategy[0].name", "only a policy rule takes a name; binpack does not"]),
        case("a field on a policy", s(&[], "placementStrategy = [{ type = \"policy\", name = \"tetris\", field = \"cpu\" }]\n"), VALIDATE, 2,
            &["placementStrategy[0].field", "a policy takes no field"]),
        case("a policy name that is a number", s(&[], "placementStrategy = [{ type = \"policy\", name = 5 }]\n"), VALIDATE, 2,
            &["placementStrategy[0].name", "got 5; expected a string"]),
        case("memory 1e308", s(&[("memory = 512", "memory = 1e308")], ""), VALIDATE, 2,
            &["taskDefinitions[0].memory", "1.0e308 is out of range"]),
        case("a valid scenario", BASE.to_string(), VALIDATE, 0, &["ok", "expected work: about 2 tasks, 69 events, 61 samples"]),
        // Issue 32 items 7 and 17: money beyond any bill is refused, not carried to `null`
        // figures and an infinite chart axis.
        case("a Savings Plan of 1e308 $/h", s(&[], &commitment("commitment_per_hour = 1e308")), VALIDATE, 2,
            &["commitments[0].commitment_per_hour", "1e308 $ per hour is more than ecsim takes", "more than 0, at most 1000000 $ per hour"]),
        case("a Savings Plan of 1e300 $/h", s(&[], &commitment("commitment_per_hour = 1e300")), VALIDATE, 2,
            &["commitments[0].commitment_per_hour", "at most 1000000 $ per hour"]),
        case("a Savings Plan of inf $/h", s(&[], &commitment("commitment_per_hour = inf")), VALIDATE, 2,
            &["commitments[0].commitment_per_hour", "at most 1000000 $ per hour"]),
        // Issue 39: legs that move named services.
        case("a Fargate leg naming nothing", BASE.to_string(), &["compare", "S", "--quiet", "--with", "fargate:", "--out", "D/cmp"], 2,
            &["--with", "`fargate:` names no service or job", "fargate:<name>"]),
        case("a Fargate leg naming an unknown service", BASE.to_string(), &["compare", "S", "--quiet", "--with", "fargate:webb", "--out", "D/cmp"], 2,
            &["leg `fargate:webb`", "`webb` is not a service or job of the scenario", "movable here: web"]),
        case("--per-service with --types", BASE.to_string(), &["compare", "S", "--quiet", "--per-service", "--types", "m5.large", "--out", "D/cmp"], 2,
            &["--per-service moves services, not pools"]),
        // Issue 39: the cost split's settings.
        case("a CPU weight of 0", s(&[], "[cost_allocation]\ncpu_memory_weight = 0\n"), VALIDATE, 2,
            &["cost_allocation.cpu_memory_weight", "0 is not allowed", "a number above 0, at most 1000"]),
        case("a CPU weight of nan", s(&[], "[cost_allocation]\ncpu_memory_weight = nan\n"), VALIDATE, 2,
            &["cost_allocation.cpu_memory_weight", "a number above 0, at most 1000"]),
        case("a CPU weight of 1e308", s(&[], "[cost_allocation]\ncpu_memory_weight = 1e308\n"), VALIDATE, 2,
            &["cost_allocation.cpu_memory_weight", "at most 1000"]),
        case("capacity misspelt", s(&[], "[cost_allocation]\ncapacity = \"nominall\"\n"), VALIDATE, 2,
            &["cost_allocation.capacity", "unknown value \"nominall\"", "nominal, registered"]),
        // Issue 37: a lesson's text.
        case("a lesson field misspelt", s(&[], "[lesson]\nlook_for = \"a\"\nquestion = \"b\"\nanswr = \"c\"\n"), VALIDATE, 2,
            &["lesson", "answr"]),
        case("a lesson question that is a number", s(&[], "[lesson]\nlook_for = \"a\"\nquestion = 5\nanswer = \"c\"\n"), VALIDATE, 2,
            &["lesson.question"]),
        case("memory unit in lower case", s(&[], "[cost_allocation]\nmemory_unit = \"gib\"\n"), VALIDATE, 2,
            &["cost_allocation.memory_unit", "GiB, GB"]),
        case("partial hours as a number", s(&[], "[cost_allocation]\npartial_hours = 5\n"), VALIDATE, 2,
            &["cost_allocation.partial_hours", "expected a string"]),
        case("an unknown cost setting", s(&[], "[cost_allocation]\nidle = \"separate\"\n"), VALIDATE, 2,
            &["cost_allocation", "idle"]),
        case("four billion Reserved Instances", s(&[], "[[commitments]]\nkind = \"reserved_instance\"\ninstance_type = \"m5.large\"\ncount = 4000000000\n"), VALIDATE, 2,
            &["commitments[0].count", "4000000000 is too large", "at most 1000000"]),
        case("a custom instance type at inf $/h", s(&[], "[[instance_types]]\nname = \"x1\"\nvcpu = 2\nmemory_gib = 8\nprice_per_hour = inf\n"), VALIDATE, 2,
            &["instance_types[0].price_per_hour", "at most 10000 $ per hour"]),
        // Issue 32 item 20: the GPU rule in its own words.
        case("zero GPUs", s(&[("memory = 512", "memory = 512\nresourceRequirements = [{ type = \"GPU\", value = \"0\" }]")], ""), VALIDATE, 2,
            &["taskDefinitions[0].resourceRequirements[0].value", "0 GPUs is not allowed", "a whole number from 1 to 64"]),
        case("65 GPUs", s(&[("memory = 512", "memory = 512\nresourceRequirements = [{ type = \"GPU\", value = 65 }]")], ""), VALIDATE, 2,
            &["resourceRequirements[0].value", "65 GPUs is not allowed", "a whole number from 1 to 64"]),
        case("half a GPU", s(&[("memory = 512", "memory = 512\nresourceRequirements = [{ type = \"GPU\", value = \"0.5\" }]")], ""), VALIDATE, 2,
            &["resourceRequirements[0].value", "0.5 is not a whole number of GPUs"]),
        case("GPUs in words", s(&[("memory = 512", "memory = 512\nresourceRequirements = [{ type = \"GPU\", value = \"two\" }]")], ""), VALIDATE, 2,
            &["resourceRequirements[0].value", "\"two\" is not a number of GPUs"]),
        // Issue 32 item 20: a commitment bigger than the usage costs more than it saves. Two
        // m5.large for the hour On-Demand: 2 × $0.096 = $0.192; a $5/h plan covers all of it
        // and is paid in full: $5.00, so it costs 5.00 − 0.192 = $4.81 more.
        case("a commitment that costs more than it saves", s(&[], &commitment("commitment_per_hour = 5")), &["run", "S", "--out", "D/out"], 0,
            &["cost with commitments", "$5.00 (costs $4.81 more;"]),
        // Issue 32 item 8: a run too large to replay is refused before it is simulated (this
        // one would otherwise run into the runaway guard, exit 3).
        case("--replay with 100 instances", s(&[("count = 2\n", "count = 100\n")], &runaway), &["run", "S", "--quiet", "--replay", "--out", "D/out"], 2,
            &["--replay", "100 instances at the start", "at most 60", "cluster.pools[0].count", "nothing was simulated"]),
        // Issue 33: Managed Instances, in ECS's words.
        case("a placement strategy on Managed Instances", mi(&[("weight = 1 }]\n", "weight = 1 }]\nplacementStrategy = [{ type = \"binpack\", field = \"memory\" }]\n")]), VALIDATE, 2,
            &["services[0].placementStrategy", "not supported on Managed Instances", "placementConstraints still apply"]),
        case("bridge mode on Managed Instances", mi(&[("networkMode = \"awsvpc\"", "networkMode = \"bridge\"")]), VALIDATE, 2,
            &["taskDefinitions[0].networkMode", "bridge network mode", "awsvpc, host"]),
        case("the default network mode on Managed Instances", mi(&[("networkMode = \"awsvpc\"\n", "")]), VALIDATE, 2,
            &["taskDefinitions[0].networkMode", "bridge network mode"]),
        case("a Windows task on Managed Instances", mi(&[("networkMode = \"awsvpc\"", "networkMode = \"awsvpc\"\nruntimePlatform = { operatingSystemFamily = \"WINDOWS_SERVER_2022_CORE\" }")]), VALIDATE, 2,
            &["taskDefinitions[0].runtimePlatform.operatingSystemFamily", "Linux containers only"]),
        case("no MANAGED_INSTANCES compatibility", mi(&[("[\"MANAGED_INSTANCES\"]", "[\"EC2\"]")]), VALIDATE, 2,
            &["services[0].taskDefinition", "does not list MANAGED_INSTANCES"]),
        case("scaleInAfter over an hour", mi(&[("name = \"mi\"\n", "name = \"mi\"\nscaleInAfter = 5000\n")]), VALIDATE, 2,
            &["managed_instances[0].scaleInAfter", "5000 is out of range", "-1 (off), or 0 to 3600 seconds"]),
        case("an unknown capacity option", mi(&[("name = \"mi\"\n", "name = \"mi\"\ncapacityOptionType = \"RESERVED\"\n")]), VALIDATE, 2,
            &["managed_instances[0].capacityOptionType", "ON_DEMAND, SPOT"]),
        case("a strategy mixing Managed Instances and Fargate", mi(&[("weight = 1 }]", "weight = 1 }, { capacityProvider = \"FARGATE\", weight = 1 }]")]), VALIDATE, 2,
            &["services[0].capacityProviderStrategy", "one provider type per strategy"]),
        case("launchType EC2 beside Managed Instances", mi(&[("capacityProviderStrategy = [{ capacityProvider = \"mi\", weight = 1 }]", "launchType = \"EC2\"")]), VALIDATE, 2,
            &["services[0].launchType", "Managed Instances included", "`mi`"]),
        case("requirements no type meets", mi(&[("name = \"mi\"\n", "name = \"mi\"\ninstanceRequirements = { vCpuCount = { min = 1 }, memoryMiB = { min = 1024 }, allowedInstanceTypes = [\"z9.*\"] }\n")]), VALIDATE, 2,
            &["managed_instances[0].instanceRequirements", "no instance type in the catalog"]),
        case("requirements without vCpuCount", mi(&[("name = \"mi\"\n", "name = \"mi\"\ninstanceRequirements = { memoryMiB = { min = 1024 } }\n")]), VALIDATE, 2,
            &["managed_instances[0].instanceRequirements.vCpuCount", "ECS requires vCpuCount"]),
        case("an unknown CPU manufacturer", mi(&[("name = \"mi\"\n", "name = \"mi\"\ninstanceRequirements = { vCpuCount = { min = 1 }, memoryMiB = { min = 1024 }, cpuManufacturers = [\"arm\"] }\n")]), VALIDATE, 2,
            &["cpuManufacturers[0]", "intel, amd, amazon-web-services"]),
        case("a vCPU range upside down", mi(&[("name = \"mi\"\n", "name = \"mi\"\ninstanceRequirements = { vCpuCount = { min = 8, max = 2 }, memoryMiB = { min = 1024 } }\n")]), VALIDATE, 2,
            &["vCpuCount.max", "2 is below min 8"]),
        case("a misspelt Managed Instances field", mi(&[("name = \"mi\"\n", "name = \"mi\"\nscaleInafter = 60\n")]), VALIDATE, 2,
            &["managed_instances", "scaleInafter"]),
        case("a provider named FARGATE", mi(&[("name = \"mi\"\n", "name = \"FARGATE\"\n")]), VALIDATE, 2,
            &["managed_instances[0].name", "defined twice"]),
        case("a valid Managed Instances scenario", mi(&[]), VALIDATE, 0, &["ok"]),
        case("--replay with 61 instances over two pools", s(&[], "[[cluster.pools]]\nname = \"q\"\ninstance_type = \"m5.large\"\ncount = 59\n"), &["run", "S", "--quiet", "--replay", "--out", "D/out"], 2,
            &["61 instances at the start", "at most 60"]),
    ]
}

/// Words that mean the program, not the scenario, is talking.
pub const INTERNALS: &[&str] = &[
    "CSV error",
    "untagged",
    "u32",
    "u64",
    "Some(",
    "struct ",
    "panicked",
    "RUST_BACKTRACE",
];

#[test]
fn hostile_inputs_get_the_documented_exit_status_and_words() {
    check(cases().into_iter().map(|c| (c, Vec::new())).collect(), &[]);
}

/// Trace replay (issue 32): `BASE` with a `[[traces]]` entry (and `extra` after it) whose
/// `t.csv` holds `csv`.
fn trace_case(
    name: &'static str,
    extra: &str,
    csv: &'static [u8],
    args: &'static [&'static str],
    code: i32,
    says: &'static [&'static str],
) -> (Case, Files) {
    let text = scenario(
        &[],
        &format!("\n[[traces]]\nname = \"t\"\npath = \"t.csv\"\n{extra}"),
    );
    (case(name, text, args, code, says), vec![("t.csv", csv)])
}

#[test]
fn hostile_traces_get_the_documented_exit_status_and_words() {
    check(trace_cases(), &["os error"]);
}

/// `case` with another file beside the scenario.
fn and_file(mut case: (Case, Files), name: &'static str, bytes: &'static [u8]) -> (Case, Files) {
    case.1.push((name, bytes));
    case
}

/// Issue 32's trace cases, one line of data each.
#[rustfmt::skip]
fn trace_cases() -> Vec<(Case, Files)> {
    let t = trace_case;
    vec![
        // A row no instance can hold is RunTask's to reject, not a reason to refuse the rest.
        t("a row bigger than every instance", "", b"arrival,duration,cpu,memory\n0,60,256,512\n5,60,99999,512\n", VALIDATE, 0,
            &["warning: traces[0].path: 1 row(s) of t.csv ask for more than any instance", "line 3: 99999 CPU units, 512 MiB", "RESOURCE:CPU"]),
        t("a row asking more GPUs than any type has", "", b"arrival,duration,cpu,memory,gpu\n0,60,256,512,4\n", VALIDATE, 0,
            &["warning: traces[0].path: 1 row(s) of t.csv", "(the first, line 2: 256 CPU units, 512 MiB, 4 GPU(s))"]),
        // What remains an error is told at the CSV line, not at a generated field.
        t("a row too big for Fargate", "launchType = \"FARGATE\"\n", b"arrival,duration,cpu,memory\n0,60,256,512\n5,60,99999,512\n", VALIDATE, 2,
            &["field `traces[0].path`: t.csv:3: the row's task (99999 CPU units, 512 MiB): no Fargate size fits"]),
        t("a GPU row on Fargate", "launchType = \"FARGATE\"\n", b"arrival,duration,cpu,memory,gpu\n0,60,256,512,1\n", VALIDATE, 2,
            &["t.csv:2: the row's task (256 CPU units, 512 MiB, 1 GPU(s))", "Fargate has no GPUs"]),
        t("a trace's unknown capacity provider", "capacityProviderStrategy = [{ capacityProvider = \"nope\", weight = 1 }]\n", b"arrival,duration,cpu,memory\n0,60,256,512\n", VALIDATE, 2,
            &["field `traces[0].capacityProviderStrategy[0].capacityProvider`", "unknown capacity provider `nope`"]),
        t("a trace on Fargate providers", "capacityProviderStrategy = [{ capacityProvider = \"FARGATE\", weight = 1 }]\n", b"arrival,duration,cpu,memory\n0,60,256,512\n", VALIDATE, 0, &["ok"]),
        // The CSV's problems in the user's words.
        t("a row with too few values", "", b"arrival,duration,cpu,memory\n0,60,256,512\n5,60,256\n", VALIDATE, 2,
            &["t.csv:3: the row has 3 value(s), but the header names 4 column(s)", "(allowed: one value for each column of the header (arrival,duration,cpu,memory))"]),
        t("nan in a cell", "", b"arrival,duration,cpu,memory\n0,nan,256,512\n", VALIDATE, 2, &["t.csv:2: column `duration`: `nan` is not a number"]),
        t("inf in a cell", "", b"arrival,duration,cpu,memory\ninf,60,256,512\n", VALIDATE, 2, &["t.csv:2: column `arrival`: `inf` is not a finite number"]),
        t("a duration of 1e300 s", "", b"arrival,duration,cpu,memory\n0,1e300,256,512\n", VALIDATE, 2, &["t.csv:2: column `duration`: 1.0e300 s is longer than a thousand years"]),
        t("a cell that is not UTF-8", "", b"arrival,duration,cpu,memory\n0,60,256,\xff\n", VALIDATE, 2, &["t.csv:2: column `memory`: is not UTF-8 text"]),
        t("an empty trace file", "", b"", VALIDATE, 2, &["t.csv:1: the file is empty", "a header line naming arrival, duration, cpu, memory"]),
        (t("no trace file", "", b"", VALIDATE, 2, &["field `traces[0].path`", "t.csv: there is no such file"]).0, Vec::new()),
        // Nonsense refused, not passed over.
        t("a window that ends before it starts", "start = \"2h\"\nend = \"1h\"\n", b"arrival,duration,cpu,memory\n0,60,256,512\n", VALIDATE, 2,
            &["field `traces[0].end`", "3600 s is not after start (7200 s)"]),
        t("a time scale of nan", "time_scale = nan\n", b"arrival,duration,cpu,memory\n0,60,256,512\n", VALIDATE, 2,
            &["field `traces[0].time_scale`", "nan (not a number) is not a positive number"]),
        and_file(t("an Alibaba pod deleted before it was created", "format = \"alibaba_gpu_2023\"\nnodes = \"n.csv\"\n",
            b"name,cpu_milli,memory_mib,num_gpu,creation_time,deletion_time,scheduled_time\np0,1000,2048,0,40,25,\n", VALIDATE, 2,
            &["field `traces[0].path`", "t.csv:2: column `deletion_time`: 25 is before creation_time 40"]),
            "n.csv", b"sn,cpu_milli,memory_mib,gpu\nn0,32000,262144,0\n"),
    ]
}

/// Files written beside the scenario: name, bytes.
type Files = Vec<(&'static str, &'static [u8])>;

/// Runs each case with its files beside the scenario; fails listing every case that did
/// not get its exit status and words, mentions `INTERNALS` or `internal`, or left debris.
fn check(cases: Vec<(Case, Files)>, internal: &[&str]) {
    let mut failures = Vec::new();
    for (c, files) in &cases {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("s.toml");
        std::fs::write(&file, &c.text).unwrap();
        for (name, bytes) in files {
            std::fs::write(tmp.path().join(name), bytes).unwrap();
        }
        let args: Vec<String> = c
            .args
            .iter()
            .map(|a| {
                a.replacen('S', file.to_str().unwrap(), usize::from(a.starts_with('S')))
                    .replacen(
                        'D',
                        tmp.path().to_str().unwrap(),
                        usize::from(a.starts_with('D')),
                    )
            })
            .collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = ecsim(tmp.path(), &args);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let mut wrong = Vec::new();
        if out.status.code() != Some(c.code) {
            wrong.push(format!("exit {:?}, expected {}", out.status.code(), c.code));
        }
        for says in c.says {
            if !text.contains(says) {
                wrong.push(format!("lacks {says:?}"));
            }
        }
        for internal in INTERNALS.iter().chain(internal) {
            if text.contains(internal) {
                wrong.push(format!("mentions {internal:?}"));
            }
        }
        if text.len() > 1200 {
            wrong.push(format!("{} bytes of message", text.len()));
        }
        let partials = debris(tmp.path());
        if !partials.is_empty() {
            wrong.push(format!("left {partials:?}"));
        }
        if !wrong.is_empty() {
            failures.push(format!(
                "{}: {}\n    {}",
                c.name,
                wrong.join("; "),
                text.trim()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// Hidden partial files anywhere under `dir`.
pub fn debris(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.to_string_lossy().contains(".partial-") {
                found.push(path.display().to_string());
            }
        }
    }
    found
}

#[test]
fn a_warning_is_printed_with_the_summary_and_kept_in_summary_json() {
    let tmp = tempfile::tempdir().unwrap();
    let text = format!(
        "{BASE}placementConstraints = [{{ type = \"memberOf\", expression = \"attribute:ecs.instance-type == c5.24xlarge\" }}]\n"
    );
    std::fs::write(tmp.path().join("s.toml"), text).unwrap();
    let out = ecsim(tmp.path(), &["run", "s.toml", "--out", "out"]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("warning: services[0].placementConstraints[0]"),
        "{stdout}"
    );
    // stderr is not a terminal here: no progress bar, and nothing else to say.
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("out/summary.json")).unwrap())
            .unwrap();
    let warnings = summary["warnings"].as_array().expect("a warnings array");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let warning = warnings[0].as_str().unwrap();
    assert!(
        warning.starts_with("services[0].placementConstraints[0]") && warning.contains("memberOf"),
        "{warning}"
    );
}
