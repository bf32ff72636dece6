//! Interview indicators (B family) from the interview records: rounds, camera time and
//! the interviewers' flag codes.

pub mod rounds;

#[cfg(test)]
mod tests;
