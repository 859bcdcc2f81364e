//! libFuzzer entry of the `search` target; its body is `fuzzing::search`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzzing::search(data));
