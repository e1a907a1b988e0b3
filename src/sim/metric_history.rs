//! The recent datapoints a scaling decision looks back over, shared by service
//! autoscaling and managed scaling.

/// Datapoints kept for policies (the longest default alarm is 15 of 15).
pub(super) const HISTORY: usize = 60;

/// Appends the latest datapoint (None: no datapoint that period), dropping the oldest past
/// [`HISTORY`].
pub(super) fn push_bounded(history: &mut Vec<Option<f64>>, value: Option<f64>) {
    if history.len() == HISTORY {
        history.remove(0);
    }
    history.push(value);
}
