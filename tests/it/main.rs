//! One integration-test binary; each area adds a module.

mod failures;
