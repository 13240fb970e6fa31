//! A LIST-only server (no MLST, no SIZE in FEAT) sending each listing family, through the
//! worker: every line comes out under its exact name and type, then files of each family are
//! downloaded byte-exact by their listed names. Also the site's listing settings: a forced
//! server type reads an ambiguous listing, and the timezone offset shifts LIST times only.
//!
//! What Ferry sends for a listed name: the folder it listed, `/`, and the name as shown
//! (`RETR /dir/name`), for every family. VMS: the newest version of a file is shown (and sent)
//! without its `;version`, which VMS servers read as the newest; an older version keeps its
//! `;version` in the name, so RETR asks for exactly that version. MVS: dataset and member
//! names are sent as listed, unquoted, under the folder listed.

use std::sync::Arc;

use ferry::*;

use crate::support::fake::{FakeServer, Script};
use crate::support::*;

/// One family: the listing the server sends for the folder `dir`, every entry it must give
/// (name and kind: `f` file, `d` folder, `l` link, `?` a raw row), and the listed names to
/// download.
struct Family {
    label: &'static str,
    dir: &'static str,
    listing: &'static str,
    entries: &'static [(&'static str, char)],
    downloads: &'static [&'static str],
}

#[rustfmt::skip]
const FAMILIES: &[Family] = &[
    Family {
        label: "unix",
        dir: "/pub",
        listing: "total 12\r\n\
            drwxr-xr-x   2 root     other        512 Apr  8  2003 etc\r\n\
            -rw-r--r--   1 anna     staff       1234 Jan 29  2003 name with spaces.txt\r\n\
            -rw-r--r--   1 anna     staff         17 Jan 29  2003  leading space.txt\r\n\
            lrwxrwxrwx   1 root     other          7 Jan 25  2003 my link -> target dir/file\r\n\
            -rw-r--r-- 1 anna staff 33.5k Oct  5  2021 small.pdf\r\n\
            -rw-r--r-- 1 root other1234567 Sep  2 2004 glued.txt\r\n\
            -rw-r--r-- 1 ftpuser 4096 Mar 12 2019 nogroup.txt\r\n\
            garbage that is not a listing\r\n",
        entries: &[("etc", 'd'), ("name with spaces.txt", 'f'), (" leading space.txt", 'f'),
            ("my link", 'l'), ("small.pdf", 'f'), ("glued.txt", 'f'), ("nogroup.txt", 'f'),
            ("garbage that is not a listing", '?')],
        downloads: &["name with spaces.txt", " leading space.txt", "glued.txt"],
    },
    Family {
        label: "unix, localized and CJK dates",
        dir: "/intl",
        listing: "insgesamt 24\r\n\
            -rw-r--r-- 1 u g 100 2. Okt. 2003 dt.txt\r\n\
            -rw-r--r-- 1 u g 100 févr. 14 2003 fr.txt\r\n\
            -rw-r--r-- 1 u g 100 окт 12 2004 ru.txt\r\n\
            -rw-r--r-- 1 u g 100 szept 26 12:00 hu.txt\r\n\
            -rw-r--r-- 1 u g 100 2004年10月12日 報告.txt\r\n\
            drwxr-xr-x 2 u g 4096 1月 5 2020 文件夹\r\n",
        entries: &[("dt.txt", 'f'), ("fr.txt", 'f'), ("ru.txt", 'f'), ("hu.txt", 'f'),
            ("報告.txt", 'f'), ("文件夹", 'd')],
        downloads: &["報告.txt"],
    },
    Family {
        label: "numerical unix",
        dir: "/",
        listing: "0100644   500  101   12345    123456789       numeric file.txt\r\n\
            040755 0 0 4096 1100000000 numdir\r\n",
        entries: &[("numeric file.txt", 'f'), ("numdir", 'd')],
        downloads: &["numeric file.txt"],
    },
    Family {
        label: "DOS/IIS",
        dir: "/site",
        listing: "04-27-00  12:09PM       <DIR>          Some Folder\r\n\
            04-14-00  03:47PM                  589 report 2000.doc\r\n\
            2002-09-02  19:06                9,730 longyear file.txt\r\n",
        entries: &[("Some Folder", 'd'), ("report 2000.doc", 'f'), ("longyear file.txt", 'f')],
        downloads: &["report 2000.doc"],
    },
    Family {
        label: "EPLF",
        dir: "/",
        listing: "+i8388621.29609,m824255902,/,\tdocs\r\n\
            +i8388621.44468,m839956783,r,s10376,\tRFC EPLF.TXT\r\n",
        entries: &[("docs", 'd'), ("RFC EPLF.TXT", 'f')],
        downloads: &["RFC EPLF.TXT"],
    },
    Family {
        label: "VMS",
        dir: "/DISK$USER/ME",
        listing: "Directory DISK$USER:[ME]\r\n\
            \r\n\
            README.TXT;1   2/4  29-JAN-2003 03:26:00  [SYSTEM,ADMIN]  (RWED,RWED,RE,)\r\n\
            DATA.TXT;2  1  2-JAN-2003 10:00\r\n\
            DATA.TXT;1  1  1-JAN-2003 10:00\r\n\
            SUBDIR.DIR;1  1  12-FEB-2004 10:00  [SYSTEM]  (RWE,RWE,RE,RE)\r\n\
            A_VERY_LONG_FILE_NAME_INDEED.DATA;3\r\n\
            \x20      17/18  4-DEC-2001 13:45:02  [GROUP,OWNER]  (RWED,RWED,R,)\r\n\
            \r\n\
            Total of 5 files, 22/30 blocks.\r\n",
        entries: &[("README.TXT", 'f'), ("DATA.TXT", 'f'), ("DATA.TXT;1", 'f'), ("SUBDIR", 'd'),
            ("A_VERY_LONG_FILE_NAME_INDEED.DATA", 'f')],
        downloads: &["README.TXT", "DATA.TXT;1", "A_VERY_LONG_FILE_NAME_INDEED.DATA"],
    },
    Family {
        label: "MVS datasets",
        dir: "/",
        listing: "Volume Unit    Referred Ext Used Recfm Lrecl BlkSz Dsorg Dsname\r\n\
            WYOSPT 3420   2003/05/21  1  200  FB      80  8053  PS  USER.DATA.SEQ\r\n\
            WYOSPT 3420   2003/05/21  1  200  FB      80  8053  PO  USER.SRC.PDS\r\n\
            Migrated                                                USER.OLD.DATA\r\n",
        entries: &[("USER.DATA.SEQ", 'f'), ("USER.SRC.PDS", 'd'), ("USER.OLD.DATA", 'f')],
        downloads: &["USER.DATA.SEQ"],
    },
    Family {
        label: "MVS members",
        dir: "/USER.SRC.PDS",
        listing: " Name     VV.MM   Created       Changed      Size  Init   Mod   Id\r\n\
            MEMBER1   01.01 2003/01/21 2003/01/22 12:34    10    10     0 USER1\r\n\
            MEMBER2\r\n",
        entries: &[("MEMBER1", 'f'), ("MEMBER2", 'f')],
        downloads: &["MEMBER1", "MEMBER2"],
    },
    Family {
        label: "AS/400",
        dir: "/QSYS.LIB",
        listing: "QSYS           77824 02/23/00 15:09:55 *DIR       QSYS/\r\n\
            QPGMR          36864 06/22/03 09:37:34 *STMF      ledger.csv\r\n\
            QSYSOPR         8192 22.06.03 09:37:34 *FILE      REPORTS\r\n\
            \x20                                         *MEM       REPORTS.FILE/JAN.MBR\r\n",
        entries: &[("QSYS", 'd'), ("ledger.csv", 'f'), ("REPORTS", 'f'),
            ("REPORTS.FILE/JAN.MBR", 'f')],
        downloads: &["ledger.csv", "REPORTS"],
    },
    Family {
        label: "NetWare",
        dir: "/SYS",
        listing: "d [RWCEAFMS] admin 512 Jan 16 18:53 PUBLIC\r\n\
            - [R----F--] admin 28672 Feb 3 2003 nw file.exe\r\n",
        entries: &[("PUBLIC", 'd'), ("nw file.exe", 'f')],
        downloads: &["nw file.exe"],
    },
    Family {
        label: "OS/2",
        dir: "/",
        listing: "     0           DIR   05-12-97   16:44  PSFONTS\r\n\
            36611      A    04-23-103   10:57  OS2 first.file\r\n\
            \x20 1123      A    07-14-99   12:37  OS2 second.file\r\n",
        entries: &[("PSFONTS", 'd'), ("OS2 first.file", 'f'), ("OS2 second.file", 'f')],
        downloads: &["OS2 first.file"],
    },
    Family {
        label: "VxWorks",
        dir: "/",
        listing: "     1024    JAN-01-2004  10:30:00   config.sys\r\n\
            \x20     512    FEB-02-2005  00:00:00   logs            <DIR>\r\n",
        entries: &[("config.sys", 'f'), ("logs", 'd')],
        downloads: &["config.sys"],
    },
    Family {
        label: "Nortel wfFtp",
        dir: "/",
        listing: "bootimage.exe       1014196  06/03/04  Thur.   10:20:03\r\n\
            config.cfg  2048  12/31/03  Wed.  23:59:59\r\n",
        entries: &[("bootimage.exe", 'f'), ("config.cfg", 'f')],
        downloads: &["config.cfg"],
    },
    Family {
        label: "OS-9",
        dir: "/",
        listing: "0.0      03/01/07 1408  d-ewrewr     4c   1024 SYS\r\n\
            0.0  98/10/12 1347  ------wr  a8  500 startup\r\n",
        entries: &[("SYS", 'd'), ("startup", 'f')],
        downloads: &["startup"],
    },
    Family {
        label: "Connect:Enterprise",
        dir: "/",
        listing: "-C--E-----FTP B BATCH1 18128 41 Aug 12 13:56 REPORT.TXT\r\n\
            -ARTE-----TCP A cust1 22 1191 Aug 01 09:41 MAILBOX\r\n",
        entries: &[("REPORT.TXT", 'f'), ("MAILBOX", 'f')],
        downloads: &["REPORT.TXT"],
    },
    Family {
        label: "VShell",
        dir: "/",
        listing: "-rwxr-xr-x    1 user group        9 Oct 08, 2002 09:47 vshell new.txt\r\n\
            206876  Apr 04, 2000 21:06 vshell old file.txt\r\n\
            0  Dec 12, 2002 02:13 vshell old dir/\r\n",
        entries: &[("vshell new.txt", 'f'), ("vshell old file.txt", 'f'), ("vshell old dir", 'd')],
        downloads: &["vshell old file.txt"],
    },
    Family {
        label: "MLSD-style lines in answer to LIST",
        dir: "/",
        listing: "type=file;size=1024;modify=20030129032600; mlsd in list.txt\r\n\
            type=dir;modify=20030129032600; mlsd dir\r\n\
            type=cdir;modify=20030129032600; .\r\n",
        entries: &[("mlsd in list.txt", 'f'), ("mlsd dir", 'd')],
        downloads: &["mlsd in list.txt"],
    },
];

fn kind_letter(kind: EntryKind) -> char {
    match kind {
        EntryKind::File => 'f',
        EntryKind::Dir => 'd',
        EntryKind::Link => 'l',
        EntryKind::Unknown => '?',
        _ => 'o',
    }
}

/// A LIST-only server: no MLST and no SIZE in FEAT (SIZE refused), LIST answers `listing`,
/// RETR serves `files` by exact path.
fn list_only(listing: &'static str, files: Vec<(String, Vec<u8>)>) -> FakeServer {
    RT.block_on(FakeServer::start(Script {
        mlst: false,
        size_feat: false,
        size_works: false,
        listing: Arc::new(move || listing.as_bytes().to_vec()),
        files: Arc::new(files),
        ..Script::default()
    }))
}

fn remote_path(dir: &str, name: &str) -> String {
    ferry::common::paths::join_remote(dir, name)
}

#[test]
fn every_family_lists_and_downloads_by_its_listed_names_from_a_list_only_server() {
    for (n, family) in FAMILIES.iter().enumerate() {
        let files: Vec<(String, Vec<u8>)> = family
            .downloads
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let content = pattern(1000 + 37 * i, (n * 10 + i) as u64);
                (remote_path(family.dir, name), content)
            })
            .collect();
        let server = list_only(family.listing, files.clone());
        let mut rig = Rig::new();
        rig.connect(server.site(10)).unwrap();
        let listed: Vec<(String, char)> = rig
            .list(family.dir)
            .iter()
            .map(|e| (e.name.clone(), kind_letter(e.kind)))
            .collect();
        let want: Vec<(String, char)> = family
            .entries
            .iter()
            .map(|(name, kind)| (name.to_string(), *kind))
            .collect();
        assert_eq!(listed, want, "{}", family.label);

        let local = tempfile::tempdir().unwrap();
        for (i, (remote, content)) in files.iter().enumerate() {
            let target = local.path().join(format!("{i}.bin"));
            rig.transfer_ok(rig.request(Direction::Download, &target, remote));
            let got = std::fs::read(&target).unwrap();
            assert!(&got == content, "{}: {remote:?} differs", family.label);
        }
        let retrs: Vec<String> = server
            .received()
            .into_iter()
            .filter(|c| c.starts_with("RETR "))
            .collect();
        let sent: Vec<String> = files.iter().map(|(p, _)| format!("RETR {p}")).collect();
        assert_eq!(retrs, sent, "{}", family.label);
        assert!(
            !server.received().iter().any(|c| c.starts_with("MLSD")),
            "{}: MLSD sent to a server without it",
            family.label
        );
    }
}

/// An MVS member list without its header: bare names, which a VMS server also sends (a
/// name whose details follow on the next line).
const BARE_NAMES: &str = "MEMBER1\r\nMEMBER2\r\n";

#[test]
fn a_forced_server_type_reads_an_ambiguous_listing() {
    let server = list_only(BARE_NAMES, Vec::new());
    let mut rig = Rig::new();
    rig.connect(server.site(10)).unwrap();
    let auto: Vec<(String, EntryKind)> = rig
        .list("/")
        .into_iter()
        .map(|e| (e.name, e.kind))
        .collect();
    assert!(
        auto.iter().all(|(_, kind)| *kind == EntryKind::Unknown),
        "auto detection cannot tell: {auto:?}"
    );

    let mut site = server.site(10);
    site.server_type = ServerType::Mvs;
    let mut rig = Rig::new();
    rig.connect(site).unwrap();
    let forced: Vec<(String, EntryKind)> = rig
        .list("/")
        .into_iter()
        .map(|e| (e.name, e.kind))
        .collect();
    assert_eq!(
        forced,
        [
            ("MEMBER1".to_string(), EntryKind::File),
            ("MEMBER2".to_string(), EntryKind::File)
        ]
    );
}

fn listed_time(site: Site) -> String {
    let mut rig = Rig::new();
    rig.connect(site).unwrap();
    let entries = rig.list("/");
    let [entry] = entries.as_slice() else {
        panic!("one entry expected: {entries:?}");
    };
    entry.modified.expect("a time").time.to_string()
}

#[test]
fn the_timezone_offset_shifts_list_times_and_not_mlsd_times() {
    let list = list_only(
        "-rw-r--r-- 1 u g 100 2020-01-02 10:00 a.txt\r\n",
        Vec::new(),
    );
    let mlsd = RT.block_on(FakeServer::start(Script {
        listing: Arc::new(|| b"type=file;size=100;modify=20200102100000; a.txt\r\n".to_vec()),
        ..Script::default()
    }));
    for (server, unshifted, shifted) in [
        (&list, "2020-01-02 10:00:00", "2020-01-02 11:30:00"),
        (&mlsd, "2020-01-02 10:00:00", "2020-01-02 10:00:00"),
    ] {
        assert_eq!(listed_time(server.site(10)), unshifted);
        let mut site = server.site(10);
        site.timezone_offset = 90;
        assert_eq!(listed_time(site), shifted);
    }
    assert!(mlsd.received().iter().any(|c| c.starts_with("MLSD")));
    assert!(list.received().iter().any(|c| c.starts_with("LIST")));
}
