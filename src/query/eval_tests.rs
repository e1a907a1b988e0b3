//! The documented ECS examples evaluated on hand-built instances.

use super::{Expr, QuerySubject};

struct Instance {
    attributes: Vec<(&'static str, &'static str)>,
    id: &'static str,
    tasks: u32,
    groups: Vec<&'static str>,
    connected: bool,
    version: &'static str,
    registered_at_ms: u64,
}

impl Instance {
    fn new(instance_type: &'static str, zone: &'static str) -> Self {
        Self {
            attributes: vec![
                ("ecs.instance-type", instance_type),
                ("ecs.availability-zone", zone),
            ],
            id: "i-0123456789abcdef0",
            tasks: 0,
            groups: vec![],
            connected: true,
            version: "1.70.0",
            registered_at_ms: 1_529_360_908_000, // 2018-06-18T22:28:28Z
        }
    }

    fn with(mut self, name: &'static str, value: &'static str) -> Self {
        self.attributes.push((name, value));
        self
    }

    fn running(mut self, groups: &[&'static str]) -> Self {
        self.groups = groups.to_vec();
        self.tasks = groups.len() as u32;
        self
    }
}

impl QuerySubject for Instance {
    fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
    }
    fn ec2_instance_id(&self) -> &str {
        self.id
    }
    fn running_tasks_count(&self) -> u32 {
        self.tasks
    }
    fn has_task_group(&self, group: &str) -> bool {
        self.groups.contains(&group)
    }
    fn agent_connected(&self) -> bool {
        self.connected
    }
    fn agent_version(&self) -> &str {
        self.version
    }
    fn registered_at_ms(&self) -> u64 {
        self.registered_at_ms
    }
}

fn eval(query: &str, instance: &Instance) -> bool {
    match Expr::parse(query) {
        Ok(expr) => expr.evaluate(instance),
        Err(e) => panic!("{query:?} failed to parse: {e}"),
    }
}

#[test]
fn instance_type_regex() {
    let q = "attribute:ecs.instance-type =~ t3.*";
    assert!(eval(q, &Instance::new("t3.micro", "us-east-1a")));
    assert!(!eval(q, &Instance::new("m5.large", "us-east-1a")));
    // Anchored at both ends, like Java's String.matches.
    assert!(!eval(
        "attribute:ecs.instance-type =~ micro",
        &Instance::new("t3.micro", "a")
    ));
    assert!(eval(
        "attribute:ecs.instance-type !~ g2.*",
        &Instance::new("t3.micro", "a")
    ));
    assert!(eval(
        "attribute:ecs.instance-type matches '(t3|m5)\\.micro'",
        &Instance::new("m5.micro", "a")
    ));
}

#[test]
fn zone_in_list() {
    let q = "attribute:ecs.availability-zone in [us-east-1a, us-east-1b]";
    assert!(eval(q, &Instance::new("t3.micro", "us-east-1b")));
    assert!(!eval(q, &Instance::new("t3.micro", "us-east-1c")));
    let q = "attribute:ecs.availability-zone !in [us-east-1a, us-east-1b]";
    assert!(eval(q, &Instance::new("t3.micro", "us-east-1c")));
    assert!(eval(
        "attribute:ecs.availability-zone not_in [us-east-1a]",
        &Instance::new("t3.micro", "us-east-1c")
    ));
}

#[test]
fn task_group_anti_affinity() {
    let q = "not(task:group == database)";
    assert!(eval(q, &Instance::new("t3.micro", "a").running(&["web"])));
    assert!(!eval(
        q,
        &Instance::new("t3.micro", "a").running(&["web", "database"])
    ));
    assert!(eval(
        "task:group != database",
        &Instance::new("t3.micro", "a")
    ));
    assert!(eval(
        "task:group in [cache, web]",
        &Instance::new("t3.micro", "a").running(&["web"])
    ));
    assert!(eval(
        "task:group !in [cache, db]",
        &Instance::new("t3.micro", "a").running(&["web"])
    ));
}

#[test]
fn running_tasks_count() {
    let one = Instance::new("t3.micro", "a").running(&["web"]);
    assert!(eval("runningTasksCount == 1", &one));
    assert!(!eval(
        "runningTasksCount == 1",
        &Instance::new("t3.micro", "a")
    ));
    assert!(eval("runningTasksCount < 2", &one));
    assert!(eval("runningTasksCount greater_than_equal 1", &one));
    assert!(!eval("runningTasksCount > 1", &one));
    assert!(eval("runningTasksCount =~ '[0-9]'", &one));
}

#[test]
fn gpu_type_outside_zone() {
    let q = "attribute:ecs.instance-type =~ g2.* and attribute:ecs.availability-zone != us-east-1d";
    assert!(eval(q, &Instance::new("g2.2xlarge", "us-east-1a")));
    assert!(!eval(q, &Instance::new("g2.2xlarge", "us-east-1d")));
    assert!(!eval(q, &Instance::new("t3.micro", "us-east-1a")));
}

#[test]
fn custom_attribute_and_missing_attributes() {
    let prod = Instance::new("t3.micro", "a").with("stack", "prod");
    let bare = Instance::new("t3.micro", "a");
    assert!(eval("attribute:stack == prod", &prod));
    assert!(eval("attribute:stack exists", &prod));
    assert!(!eval("attribute:stack exists", &bare));
    assert!(eval("attribute:stack !exists", &bare));
    assert!(eval("attribute:stack not_exists", &bare));
    // Negated operators are exact negations, so they hold when missing.
    assert!(!eval("attribute:stack == prod", &bare));
    assert!(eval("attribute:stack != prod", &bare));
    assert!(!eval("attribute:stack in [prod]", &bare));
    assert!(eval("attribute:stack !~ p.*", &bare));
}

#[test]
fn numeric_versus_string_comparison() {
    let i = Instance::new("t3.micro", "a")
        .with("cores", "16")
        .with("tier", "b");
    assert!(eval("attribute:cores > 9", &i)); // numeric: 16 > 9
    assert!(eval("attribute:cores == 16.0", &i));
    assert!(eval("attribute:tier > a", &i)); // string
    assert!(eval("attribute:cores < abc", &i)); // "16" < "abc" as strings
}

#[test]
fn agent_and_instance_fields() {
    let mut i = Instance::new("t3.micro", "a");
    assert!(eval("agentConnected == true", &i));
    i.connected = false;
    assert!(eval("agentConnected != true", &i));
    assert!(eval("agentVersion > 1.9.0", &i)); // 1.70.0 by components
    assert!(eval("agentVersion >= 1.70", &i));
    assert!(eval("agentVersion < 1.100.0", &i));
    assert!(eval("ec2InstanceId in [i-0123456789abcdef0, i-1]", &i));
    assert!(eval("ec2InstanceId =~ i-0.*", &i));
}

#[test]
fn registered_at_dates() {
    let i = Instance::new("t3.micro", "a");
    assert!(eval("registeredAt > 2018-06-18", &i));
    assert!(eval("registeredAt < 2018-06-19", &i));
    assert!(eval("registeredAt == 2018-06-18T22:28:28Z", &i));
    assert!(eval("registeredAt == 2018-06-18T22:28:28", &i));
    assert!(eval("registeredAt == 2018-06-19T00:28:28+02:00", &i));
    assert!(eval("registeredAt == 1529360908000", &i));
}

#[test]
fn precedence_and_negation() {
    let i = Instance::new("t3.micro", "a").with("x", "1");
    // a or (b and c): true because a holds even though c does not.
    assert!(eval(
        "attribute:x == 1 or attribute:x == 2 and attribute:x == 3",
        &i
    ));
    assert!(!eval(
        "(attribute:x == 1 or attribute:x == 2) and attribute:x == 3",
        &i
    ));
    assert!(eval(
        "!attribute:x == 2 && (attribute:x exists || attribute:y exists)",
        &i
    ));
    assert!(eval("not not attribute:x == 1", &i));
    assert!(eval("NOT attribute:x == 2 AND attribute:x == 1", &i));
}
