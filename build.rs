//! Build script: for Windows targets, embeds Ferry's icon, version information and application
//! manifest (DPI awareness, common controls) into `ferry.exe` as resources, with `winresource`
//! (MinGW's `windres` when cross-building, `rc.exe` with MSVC). Does nothing for other targets.

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("windows") {
        return;
    }
    const ICON: &str = "packaging/windows/ferry.ico";
    const MANIFEST: &str = "packaging/windows/ferry.exe.manifest";
    println!("cargo::rerun-if-changed={ICON}");
    println!("cargo::rerun-if-changed={MANIFEST}");
    let version = std::env::var("CARGO_PKG_VERSION").expect("cargo sets CARGO_PKG_VERSION");
    let mut resource = winresource::WindowsResource::new();
    resource
        .set_icon(ICON)
        .set_manifest_file(MANIFEST)
        .set("ProductName", "Ferry")
        .set("FileDescription", "Ferry FTP client")
        .set("CompanyName", "The Ferry project")
        .set(
            "LegalCopyright",
            "The Ferry contributors; MIT OR Apache-2.0",
        )
        .set("OriginalFilename", "ferry.exe")
        .set("InternalName", "ferry")
        .set("ProductVersion", &version)
        .set("FileVersion", &version);
    if let Err(error) = resource.compile_for("ferry") {
        panic!("could not embed the Windows resources (is MinGW's windres installed?): {error}");
    }
}
