//! What identifies a sweep run across processes and rebuilds: a stable hash and the
//! identity of the simulator binary that computed it.

/// FNV-1a, 64 bits: stable across Rust releases and platforms, unlike `DefaultHasher`.
pub struct Fnv(u64);

impl Fnv {
    pub fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    /// Feeds `bytes` and a separator, so ("ab", "c") and ("a", "bc") differ.
    pub fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes.iter().chain([0xffu8].iter()) {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    pub fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv::new()
    }
}

/// Which simulator computed a stored run: the version plus a hash of the running
/// executable's bytes, so a rebuilt binary (a fix in the model, same version number) does
/// not reuse results the old one computed. Computed once per process.
pub fn build_identity() -> &'static str {
    static IDENTITY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    IDENTITY.get_or_init(|| {
        let mut h = Fnv::new();
        let exe = std::env::current_exe().and_then(std::fs::read);
        h.feed(&exe.unwrap_or_default());
        format!("{} {}", env!("CARGO_PKG_VERSION"), h.hex())
    })
}
