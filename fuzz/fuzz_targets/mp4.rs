//! libFuzzer entry of the `mp4` target; its body is `fuzzing::mp4`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzzing::mp4(data));
