//! Onboarding and device shipping (C family): where the laptop went, who signed for it,
//! whether the worker ever uses it. C5, which reads the laptop's first hours of
//! inventory, lives with the endpoint detector that sees those rows.

pub mod managed_device;
pub mod names;
pub mod shipping;
