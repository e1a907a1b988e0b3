//! One integration-test binary; each area is a module.

mod compare;
