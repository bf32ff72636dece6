//! The benchmark's CSV reader never panics and reads back what the generator wrote.

use bonafide_graph::synth::{Row, subject_from_line};
use proptest::prelude::*;

proptest! {
    #[test]
    fn any_line_is_read_or_refused_without_panic(line in ".{0,300}") {
        if let Some(s) = subject_from_line(&line) {
            prop_assert_eq!(line.split(',').count(), 19);
            prop_assert!(s.idents.len() <= 10 && s.fuzzy.len() <= 3);
        }
    }

    #[test]
    fn comma_separated_fields_round_trip(
        fields in proptest::collection::vec("[A-Za-z0-9 @.+|#-]{0,12}", 15),
        dob in 0u32..20_000,
        household in 0u64..1_000,
    ) {
        let r = Row {
            id: format!("S{}", fields[0]),
            first_name: fields[1].clone(),
            surname: fields[2].clone(),
            dob,
            street: fields[3].clone(),
            zip: fields[4].clone(),
            ship_street: fields[5].clone(),
            ship_zip: fields[6].clone(),
            phone: fields[7].clone(),
            email: fields[8].clone(),
            bank: fields[9].clone(),
            ssn: fields[10].clone(),
            device: fields[11].clone(),
            github: fields[12].clone(),
            ip_day_1: fields[13].clone(),
            ip_day_2: fields[14].clone(),
            household,
            truth: 0,
            truth_kind: String::new(),
        };
        prop_assert_eq!(Row::parse(&r.csv()), Some(r.clone()));
        let (fast, slow) = (r.subject(), r.subject_slow());
        prop_assert_eq!(fast.idents, slow.idents);
        prop_assert_eq!(fast.fuzzy, slow.fuzzy);
    }
}
