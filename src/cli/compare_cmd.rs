//! `ecsim compare`: one workload under several capacity options, or `--recommend` to size
//! the scenario's first pool over the catalog.

use super::run_cmd::{default_out_dir, load};
use super::{CliError, signals};
use ecsim::catalog::PriceCatalog;
use ecsim::compare::{self, CompareError, Leg, Target, table};
use ecsim::outputs::CompareTargets;
use ecsim::report::OutputDir;
use ecsim::scenario::RunFiles;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    #[command(flatten)]
    pub scenario: super::ScenarioArgs,
    /// Capacity option to run (repeatable): scenario, fargate, fargate-spot, ec2-spot,
    /// managed-instances, managed-instances-spot, and with commitments ec2+ri, ec2+isp,
    /// fargate+csp [default: the first four]; or fargate:NAME[,NAME...] to move only those
    /// services and jobs to Fargate.
    #[arg(long = "with", value_name = "LAUNCH_OPTION")]
    pub with: Vec<String>,
    /// Master seed; overrides the scenario's `seed`. Every leg uses it.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Output directory [default: output/(scenario name)-compare/].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Instead of the legs: find the cheapest type and count for the first pool; with
    /// --per-service, move together every service that saved money alone (and met the
    /// --target-* given).
    #[arg(long)]
    pub recommend: bool,
    /// Which services to move: the scenario, then one leg per service and job on EC2 moved
    /// alone to Fargate (the rest stays, pools re-size); prints each one's cost now and
    /// moved, the change in the bill and in its pending p95; writes per-service.csv.
    #[arg(long, conflicts_with_all = ["with", "recommend_commitment"])]
    pub per_service: bool,
    /// Candidate instance types for --recommend, comma-separated [default: every catalog
    /// type with the pool's architecture].
    #[arg(long, value_delimiter = ',', value_name = "TYPES")]
    pub types: Option<Vec<String>>,
    /// Target: pending-time p95 at most this many seconds (and no task rejected or left
    /// waiting longer). The report names the cheapest leg meeting both targets [default
    /// for the report: 120]; --recommend takes this or --target-availability.
    #[arg(long, value_name = "SECONDS")]
    pub target_pending_p95: Option<f64>,
    /// Target: worst service's availability at least this fraction (0..1), the
    /// time-weighted share of desired tasks RUNNING (summary.json's `availability`, not
    /// `availability_all_up`) [default for the report: 0.999].
    #[arg(long, value_name = "X")]
    pub target_availability: Option<f64>,
    /// --recommend: largest pool count tried per type.
    #[arg(long, default_value_t = 64)]
    pub max_count: u32,
    /// Also find, per leg, the hourly Compute Savings Plan commitment that minimizes the
    /// bill on the simulated hourly usage; writes commitment-curve.csv and
    /// commitment-recommendation.json.
    #[arg(long, conflicts_with = "recommend")]
    pub recommend_commitment: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// Also write charts and report.html into the output directory.
    #[arg(long)]
    pub report: bool,
}

/// The legs `--with` names: capacity options, and `fargate:<names>` moves.
fn legs(with: &[String]) -> Result<(Vec<Leg>, Vec<Vec<String>>), CliError> {
    if with.is_empty() {
        return Ok((Leg::ALL.to_vec(), Vec::new()));
    }
    let mut legs = Vec::new();
    let mut moves = Vec::new();
    for w in with {
        if let Some(names) = compare::per_service::parse_origin_leg(w) {
            let names = names.map_err(|e| CliError::Usage(format!("--with: {e}")))?;
            if !moves.contains(&names) {
                moves.push(names);
            }
            continue;
        }
        let leg = Leg::parse(w).map_err(CliError::Usage)?;
        if !legs.contains(&leg) {
            legs.push(leg);
        }
    }
    Ok((legs, moves))
}

pub fn run(args: &CompareArgs) -> Result<(), CliError> {
    // Check every flag before any simulation runs.
    let (legs, moves) = legs(&args.with)?;
    let recommend_only = args.types.is_some();
    if args.per_service && args.types.is_some() {
        return Err(CliError::Usage(
            "--types sizes a pool with --recommend; --per-service moves services, not pools".into(),
        ));
    }
    if recommend_only && !args.recommend {
        return Err(CliError::Usage(
            "--types only applies with --recommend".into(),
        ));
    }
    // Legs keep their summaries and figures, never a per-run file.
    let scenario = load(
        &args.scenario,
        args.seed,
        RunFiles::SUMMARY_ONLY,
        args.quiet,
    )?;
    let config = &scenario.config;
    if !args.scenario.allow_large {
        let checked: &[Leg] = if args.per_service {
            &[Leg::Scenario]
        } else {
            &legs
        };
        refuse_large_legs(args, &scenario.path, config, checked)?;
    }
    let targets = targets(args)?;
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| default_out_dir(&format!("{}-compare", config.name)));
    signals::install();
    let text = if args.per_service {
        per_service(args, config, &targets, &dir)?
    } else if args.recommend {
        recommend(args, &scenario.prices, config, &dir)?
    } else {
        let (results, recs) = if args.recommend_commitment {
            compare::run::run_and_recommend(config, &legs).map_err(|e| failed(e, "leg", &dir))?
        } else {
            let mut results =
                compare::run_legs(config, &legs).map_err(|e| failed(e, "leg", &dir))?;
            results.extend(
                compare::per_service::run_origin_legs(config, &moves)
                    .map_err(|e| failed(e, "leg", &dir))?,
            );
            (results, Vec::new())
        };
        let be = compare::break_even_with_legs(config, &legs);
        let mut out = OutputDir::create(&dir).map_err(CliError::output(&dir))?;
        let mut curve_png = false;
        if args.recommend_commitment {
            use compare::commitment_legs::curve_csv;
            out.write("commitment-curve.csv", curve_csv(&recs).as_bytes())
                .map_err(CliError::output(&dir))?;
            let json = serde_json::to_string_pretty(&recs).unwrap_or_default() + "\n";
            out.write(ecsim::outputs::COMMITMENT_RECOMMENDATION, json.as_bytes())
                .map_err(CliError::output(&dir))?;
            if let Some(png) = curve_chart(&config.name, &json) {
                out.write(COMMITMENT_CURVE_PNG, &png)
                    .map_err(CliError::output(&dir))?;
                curve_png = true;
            }
        }
        out.write("compare.csv", table::csv(&results).as_bytes())
            .map_err(CliError::output(&dir))?;
        out.write(
            "compare.json",
            table::json(&config.name, config.seed, &targets, &results, &be).as_bytes(),
        )
        .map_err(CliError::output(&dir))?;
        out.commit().map_err(CliError::output(&dir))?;
        remove_stale_commitment_files(&dir, args.recommend_commitment, curve_png)?;
        // A per-service table or a recommendation from earlier in this directory is not
        // this comparison's.
        remove_stale(
            &dir,
            &[ecsim::outputs::PER_SERVICE, ecsim::outputs::RECOMMEND],
        )?;
        let mut text = table::text(&config.name, config.seed, &results, &be);
        if args.recommend_commitment {
            text.push_str(&compare::commitment_legs::recommendation_text(&recs));
            if curve_png {
                text.push_str(&format!(
                    "  curve of bill against commitment: {}\n",
                    dir.join(COMMITMENT_CURVE_PNG).display()
                ));
            }
        }
        text
    };
    if !args.quiet {
        let mut stdout = std::io::stdout().lock();
        let _ = write!(stdout, "{text}");
        let _ = writeln!(stdout, "  results in {}", dir.display());
    }
    if args.report {
        super::report_cmd::after(&dir, &scenario.path, args.quiet)?;
    }
    Ok(())
}

/// The targets the report judges legs by: the ones given, the defaults for the rest.
fn targets(args: &CompareArgs) -> Result<CompareTargets, CliError> {
    let default = CompareTargets::default();
    let pending_p95_s = args.target_pending_p95.unwrap_or(default.pending_p95_s);
    let availability = args.target_availability.unwrap_or(default.availability);
    if !(pending_p95_s.is_finite() && pending_p95_s >= 0.0) {
        return Err(CliError::Usage(format!(
            "--target-pending-p95 {pending_p95_s}: a number of seconds, at least 0"
        )));
    }
    if !(0.0..=1.0).contains(&availability) {
        return Err(CliError::Usage(format!(
            "--target-availability {availability}: a fraction from 0 to 1 (0.999 for three nines)"
        )));
    }
    Ok(CompareTargets {
        pending_p95_s,
        availability,
    })
}

/// `--per-service`: a leg per service and job moved alone, and the table of moves.
fn per_service(
    args: &CompareArgs,
    config: &ecsim::model::SimConfig,
    targets: &CompareTargets,
    dir: &Path,
) -> Result<String, CliError> {
    let target = match (args.target_pending_p95, args.target_availability) {
        (Some(s), None) if s >= 0.0 => Some(Target::PendingP95(s)),
        (None, Some(a)) if (0.0..=1.0).contains(&a) => Some(Target::Availability(a)),
        (None, None) => None,
        _ => {
            return Err(CliError::Usage(
                "--target-pending-p95 must be at least 0 and --target-availability between 0 and 1"
                    .into(),
            ));
        }
    };
    let combine = args.recommend.then_some(target);
    let per = compare::per_service::run_per_service(config, combine)
        .map_err(|e| failed(e, "leg", dir))?;
    let be = compare::break_even(config);
    let mut out = OutputDir::create(dir).map_err(CliError::output(dir))?;
    out.write("compare.csv", table::csv(&per.legs).as_bytes())
        .map_err(CliError::output(dir))?;
    out.write(
        "compare.json",
        table::json(&config.name, config.seed, targets, &per.legs, &be).as_bytes(),
    )
    .map_err(CliError::output(dir))?;
    out.write(
        ecsim::outputs::PER_SERVICE,
        compare::per_service::csv(&per).as_bytes(),
    )
    .map_err(CliError::output(dir))?;
    out.commit().map_err(CliError::output(dir))?;
    remove_stale_commitment_files(dir, false, false)?;
    remove_stale(dir, &[ecsim::outputs::RECOMMEND])?;
    let mut text = table::text(&config.name, config.seed, &per.legs, &be);
    text.push_str(&compare::per_service::text(&per));
    if args.recommend && per.combined.len() < 2 {
        text.push_str("  no two moves both save money");
        text.push_str(if target.is_some() {
            " and meet the target\n"
        } else {
            "\n"
        });
    }
    Ok(text)
}

fn recommend(
    args: &CompareArgs,
    catalog: &PriceCatalog,
    config: &ecsim::model::SimConfig,
    dir: &Path,
) -> Result<String, CliError> {
    let target = match (args.target_pending_p95, args.target_availability) {
        (Some(s), None) if s >= 0.0 => Target::PendingP95(s),
        (None, Some(a)) if (0.0..=1.0).contains(&a) => Target::Availability(a),
        _ => {
            return Err(CliError::Usage(
                "--recommend needs exactly one target: --target-pending-p95 SECONDS (≥ 0) or --target-availability X (0..1)".into(),
            ));
        }
    };
    let arch = config
        .pools
        .first()
        .map_or("x86_64", |p| p.instance_type.arch);
    let gpus = config.task_defs.iter().any(|d| d.gpu > 0);
    let types = compare::recommend::candidates(catalog, args.types.as_deref(), arch, gpus)
        .map_err(|e| CliError::Usage(format!("--types: {e}")))?;
    let rec = compare::recommend(config, catalog, &types, target, args.max_count)
        .map_err(|e| failed(e, "candidate", dir))?;
    let mut out = OutputDir::create(dir).map_err(CliError::output(dir))?;
    out.write(
        ecsim::outputs::RECOMMEND,
        table::recommend_json(&rec).as_bytes(),
    )
    .map_err(CliError::output(dir))?;
    out.commit().map_err(CliError::output(dir))?;
    // An earlier comparison's files would be what `ecsim report` reads in this directory.
    remove_stale(
        dir,
        &["compare.json", "compare.csv", ecsim::outputs::PER_SERVICE],
    )?;
    remove_stale_commitment_files(dir, false, false)?;
    let text = table::recommend_text(&rec);
    if rec.best.is_none() {
        if !args.quiet {
            print!("{text}");
        }
        return Err(CliError::Usage(format!(
            "no instance type meets the target with at most {} instances; raise --max-count, add --types or relax the target",
            args.max_count
        )));
    }
    Ok(text)
}

/// The result files of a comparison, for saying which earlier ones an interrupt kept.
const RESULT_FILES: [&str; 6] = [
    "compare.csv",
    "compare.json",
    "commitment-curve.csv",
    "commitment-recommendation.json",
    COMMITMENT_CURVE_PNG,
    "recommend.json",
];

const COMMITMENT_CURVE_PNG: &str = "commitment-curve.png";

/// The cost-vs-commitment chart, drawn from the recommendation file's own bytes (what
/// `ecsim report` will read back); `None` when no leg has usage a plan could cover.
fn curve_chart(scenario: &str, json: &str) -> Option<Vec<u8>> {
    let views: Vec<ecsim::outputs::CommitmentCurveView> = serde_json::from_str(json).ok()?;
    let figure = ecsim::charts::commitment_curve(scenario, &views)?;
    ecsim::charts::png(&figure, ecsim::charts::DEFAULT_DPI).ok()
}

/// Commitment files an earlier comparison left in `dir` would not describe this one (and
/// `ecsim report` would chart them).
fn remove_stale_commitment_files(dir: &Path, recommended: bool, png: bool) -> Result<(), CliError> {
    let stale: &[&str] = match (recommended, png) {
        (true, true) => &[],
        (true, false) => &[COMMITMENT_CURVE_PNG],
        (false, _) => &[
            "commitment-curve.csv",
            ecsim::outputs::COMMITMENT_RECOMMENDATION,
            COMMITMENT_CURVE_PNG,
        ],
    };
    for name in stale {
        let path = dir.join(name);
        if path.is_file() {
            std::fs::remove_file(&path).map_err(CliError::output(dir))?;
        }
    }
    Ok(())
}

/// Removes those of `names` an earlier command left in `dir`.
fn remove_stale(dir: &Path, names: &[&str]) -> Result<(), CliError> {
    for name in names {
        let path = dir.join(name);
        if path.is_file() {
            std::fs::remove_file(&path).map_err(CliError::output(dir))?;
        }
    }
    Ok(())
}

/// A comparison that could not finish: a bad leg is the user's input (exit 2), a runaway
/// instant exits 3 and an interrupt 130/143, as `ecsim run` does. Nothing is written before
/// every run has finished, so there is nothing partial to clean up.
fn failed(e: CompareError, what: &str, dir: &Path) -> CliError {
    match e {
        CompareError::Usage(m) => CliError::Usage(m),
        CompareError::Halted { leg, halt } => {
            match super::run_cmd::halted(halt, &ecsim::run_dir::kept_in(dir, &RESULT_FILES)) {
                CliError::Runaway(m) => CliError::Runaway(format!("{what} {leg}: {m}")),
                other => other,
            }
        }
    }
}

/// The size guard for every run the comparison makes, not only the scenario as written:
/// a leg (or `--recommend`'s largest pool) can ask for more than the base scenario.
fn refuse_large_legs(
    args: &CompareArgs,
    path: &Path,
    config: &ecsim::model::SimConfig,
    legs: &[Leg],
) -> Result<(), CliError> {
    let limits = ecsim::scenario::SizeLimits::default();
    let refuse = |what: String, c: &ecsim::model::SimConfig| match ecsim::scenario::estimate(
        c,
        RunFiles::SUMMARY_ONLY,
    )
    .exceeds(&limits)
    {
        Some(why) => Err(CliError::Usage(format!(
            "{}: {what}: {why}; pass --allow-large to run it anyway",
            path.display()
        ))),
        None => Ok(()),
    };
    if args.recommend {
        let mut largest = config.clone();
        if let Some(pool) = largest.pools.first_mut() {
            pool.count = pool.count.max(args.max_count);
        }
        return refuse(
            format!("--recommend with {} instances", args.max_count),
            &largest,
        );
    }
    for &leg in legs {
        // A leg that cannot be built is reported, with its reason, when the legs run.
        if let Ok(planned) = compare::apply_leg(config, leg) {
            refuse(format!("leg {}", leg.name()), &planned.config)?;
        }
    }
    Ok(())
}
