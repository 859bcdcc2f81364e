//! libFuzzer entry of the `multipart` target; its body is `fuzzing::multipart`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzzing::multipart(data));
