//! libFuzzer entry of the `image` target; its body is `fuzzing::image`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzzing::image(data));
