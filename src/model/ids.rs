//! Small copyable indices. Each names a slot in one of the simulation's tables.

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub u32);
        impl $name {
            /// The id as an index into its table.
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}

id_type!(
    /// A container instance's slot in the cluster's table. A TERMINATED instance's slot is
    /// taken by a later launch, so anything that outlives the instance (a scheduled event)
    /// holds an [`InstanceRef`] instead.
    InstanceId
);

/// An instance slot plus the generation it held when the reference was taken: a launch
/// into a reused slot bumps the generation, so a reference to the slot's earlier instance
/// is recognised as stale.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InstanceRef {
    /// The slot.
    pub id: InstanceId,
    /// The slot's generation when the reference was taken.
    pub generation: u32,
}
id_type!(
    /// An EC2 instance pool (an Auto Scaling group, usable as a capacity provider).
    PoolId
);
id_type!(
    /// An availability zone of the cluster.
    AzId
);
id_type!(
    /// A task definition.
    TaskDefId
);
id_type!(
    /// A service.
    ServiceId
);
id_type!(
    /// A job stream (standalone tasks started by RunTask or a schedule).
    JobId
);
id_type!(
    /// A task group: what spread and distinctInstance count over (a service, or a
    /// standalone task group such as `family:etl`).
    GroupId
);
id_type!(
    /// A task slot in the simulation's task table.
    TaskSlot
);
