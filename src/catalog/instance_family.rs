//! What an EC2 type's name says about it, as attribute-based instance selection reads it:
//! family, generation, CPU manufacturer, burstable or not; and EC2's wildcard patterns
//! (`m5.8xlarge`, `c5*.*`, `r*`) for allowed and excluded types.

/// The parts of `r7a.large`: class `r`, generation 7, modifiers `a`, size `large`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TypeName<'a> {
    /// The part before the dot: `r7a`.
    pub family: &'a str,
    /// The letters before the generation: `r`.
    pub class: &'a str,
    /// The generation number: 7.
    pub generation: u32,
    /// The letters after the generation (`a` AMD, `g` Graviton, `i` Intel, ...), maybe none.
    pub modifiers: &'a str,
    /// The part after the dot: `large`.
    pub size: &'a str,
}

impl<'a> TypeName<'a> {
    /// `None` for a name that is not `<class><generation><modifiers>.<size>` (a custom
    /// type named otherwise).
    pub fn parse(name: &'a str) -> Option<TypeName<'a>> {
        let (family, size) = name.split_once('.')?;
        let digits_at = family.find(|c: char| c.is_ascii_digit())?;
        let (class, rest) = family.split_at(digits_at);
        let digits_end = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let (generation, modifiers) = rest.split_at(digits_end);
        if class.is_empty() || size.is_empty() {
            return None;
        }
        Some(TypeName {
            family,
            class,
            generation: generation.parse().ok()?,
            modifiers,
            size,
        })
    }

    /// `intel`, `amd` or `amazon-web-services`, as `cpuManufacturers` names them: Graviton
    /// families carry a `g`, AMD ones an `a` after the generation; GPU and other families
    /// without either are Intel unless listed in [`AMD_FAMILIES`].
    pub fn cpu_manufacturer(&self) -> &'static str {
        if AMD_FAMILIES.contains(&self.family) {
            return "amd";
        }
        let general = matches!(self.class, "m" | "c" | "r" | "t" | "x" | "z" | "i");
        match (general, self.modifiers.as_bytes().first()) {
            (true, Some(b'g')) => "amazon-web-services",
            (true, Some(b'a')) => "amd",
            _ => "intel",
        }
    }

    /// `current` or `previous`: EC2 lists families up to the fourth generation (m4, c4,
    /// r4, t2 and older) as previous generation.
    pub fn generation_kind(&self) -> &'static str {
        let previous = self.generation <= 3 || (self.generation == 4 && self.class != "g");
        if previous { "previous" } else { "current" }
    }

    /// T2/T3/T3a/T4g: `burstablePerformance`.
    pub fn burstable(&self) -> bool {
        self.class == "t"
    }
}

/// GPU families whose host CPU is AMD (g5, g6, p5), which the name does not tell.
pub const AMD_FAMILIES: [&str; 3] = ["g5", "g6", "p5"];

/// EC2's wildcard match: `*` stands for any run of characters (none included).
pub fn matches_pattern(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((head, rest)) => {
            let Some(tail) = name.strip_prefix(head) else {
                return false;
            };
            (0..=tail.len())
                .filter(|i| tail.is_char_boundary(*i))
                .any(|i| matches_pattern(rest, &tail[i..]))
        }
    }
}

/// Whether `name` matches a list entry: a type (`m5.large`) or a pattern (`m5*`, `r7a.*`).
pub fn listed(list: &[String], name: &str) -> bool {
    list.iter().any(|p| matches_pattern(p, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_into_their_parts() {
        let t = TypeName::parse("r7a.medium").unwrap();
        assert_eq!(
            (t.family, t.class, t.generation, t.modifiers, t.size),
            ("r7a", "r", 7, "a", "medium")
        );
        assert_eq!(t.cpu_manufacturer(), "amd");
        assert_eq!(
            TypeName::parse("m7g.large").unwrap().cpu_manufacturer(),
            "amazon-web-services"
        );
        assert_eq!(
            TypeName::parse("c6i.large").unwrap().cpu_manufacturer(),
            "intel"
        );
        assert_eq!(
            TypeName::parse("m5.large").unwrap().cpu_manufacturer(),
            "intel"
        );
        assert_eq!(
            TypeName::parse("g5.xlarge").unwrap().cpu_manufacturer(),
            "amd"
        );
        assert_eq!(
            TypeName::parse("m4.large").unwrap().generation_kind(),
            "previous"
        );
        assert_eq!(
            TypeName::parse("g4dn.xlarge").unwrap().generation_kind(),
            "current"
        );
        assert!(TypeName::parse("t3.medium").unwrap().burstable());
        assert_eq!(TypeName::parse("custom"), None);
        assert_eq!(TypeName::parse("big.large"), None);
    }

    #[test]
    fn wildcards_match_as_ec2_documents() {
        assert!(matches_pattern("r5a.*", "r5a.large"));
        assert!(!matches_pattern("r5a.*", "r5ad.large"));
        assert!(matches_pattern("r5a*", "r5ad.large"));
        assert!(matches_pattern("m5.8xlarge", "m5.8xlarge"));
        assert!(!matches_pattern("m5.8xlarge", "m5.large"));
        assert!(matches_pattern("*.large", "c7g.large"));
        assert!(matches_pattern("c*.*", "c6a.xlarge"));
        assert!(!matches_pattern("c*.*", "m6a.xlarge"));
        assert!(matches_pattern("*", "anything"));
    }
}
