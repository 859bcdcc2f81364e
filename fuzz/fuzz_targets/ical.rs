//! libFuzzer entry of the `ical` target; its body is `fuzzing::ical`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzzing::ical(data));
