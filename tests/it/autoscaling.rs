//! Autoscaling (issue 4).
