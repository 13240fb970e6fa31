//! Owns the corpus of unix-like LIST lines (written from the servers' documentation and
//! described captures; "now" is 2026-11-22 10:00): `ls -l` and its variants, localized and
//! CJK dates, NetWare, Connect:Enterprise, VShell, lines without dates and numerical unix.

use super::ServerType;
use super::test_support::{Case, check_corpus};

#[rustfmt::skip]
pub(super) const UNIX: &[Case] = &[
    ("-rw-r--r--   1 root     other        531 Jan 29 03:26 README", 'f', "README", 531, "2026-01-29 03:26"),
    ("dr-xr-xr-x   2 root     other        512 Apr  8  2003 etc", 'd', "etc", 512, "2003-04-08"),
    ("lrwxrwxrwx   1 root     other          7 Jan 25 00:17 bin -> usr/bin", 'l', "bin", 7, "2026-01-25 00:17"),
    ("-rw-r--r-- 1 ftpuser 4096 Mar 12 2019 nogroup.txt", 'f', "nogroup.txt", 4096, "2019-03-12"),
    ("-rw-r--r--   1 group domain user 531 Jan 29 03:26 owner with spaces", 'f', "owner with spaces", 531, "2026-01-29 03:26"),
    ("----------   1 owner    group         1803128 Jul 10 10:18 no permissions", 'f', "no permissions", 1803128, "2026-07-10 10:18"),
    ("dr-xr-xr-x   1 owner group   0 Mar 19  2012 E:", 'd', "E:", 0, "2012-03-19"),
    ("-rw-r--r-- 1 1001 100 77 Aug  1 15:02 ids.dat", 'f', "ids.dat", 77, "2026-08-01 15:02"),
    ("-rw-r--r-- 1 anna staff 33.5k Oct  5 21:22 small.pdf", 'f', "small.pdf", 34304, "2026-10-05 21:22"),
    ("-rw-r--r-- 1 anna staff 2M Oct  5 21:22 medium.bin", 'f', "medium.bin", 2097152, "2026-10-05 21:22"),
    ("-rw-r--r-- 1 anna staff 1.25G Oct  5 2021 large.iso", 'f', "large.iso", 1342177280, "2021-10-05"),
    ("-rw-r--r-- 1 root other1234567 Sep  2 2004 glued.txt", 'f', "glued.txt", 1234567, "2004-09-02"),
    ("-rw-r--r--   1 root other 5368709120 Dec 24 2025 dvd image.iso", 'f', "dvd image.iso", 5368709120, "2025-12-24"),
    ("drwxr-xr-x+  3 web  web  4096 Feb 29 2024 leap", 'd', "leap", 4096, "2024-02-29"),
    ("crw-rw-rw-   1 root sys   13,  2 Nov 21 12:30 null", 'c', "null", -1, "2026-11-21 12:30"),
    ("prw-------   1 root root     0 Nov 21 12:30 fifo", 'o', "fifo", 0, "2026-11-21 12:30"),
    ("-rwxr-xr-x   1 u g 100 Jan 29 2003 script.sh*", 'f', "script.sh", 100, "2003-01-29"),
    ("drwxr-xr-x   1 u g 100 Jan 29 2003 classified/", 'd', "classified", 100, "2003-01-29"),
];

#[rustfmt::skip]
pub(super) const UNIX_DATES: &[Case] = &[
    ("-rw-r--r-- 1 u g 100 10-06 2003 mmdd-year.txt", 'f', "mmdd-year.txt", 100, "2003-10-06"),
    ("-rw-r--r-- 1 u g 100 10-06 14:30 mmdd-time.txt", 'f', "mmdd-time.txt", 100, "2026-10-06 14:30"),
    ("-rw-r--r-- 1 u g 100 2003-10-06 14:30 iso.txt", 'f', "iso.txt", 100, "2003-10-06 14:30"),
    ("-rw-r--r-- 1 u g 100 2003/10/06 slashed.txt", 'f', "slashed.txt", 100, "2003-10-06"),
    ("-rw-r--r-- 1 u g 100 26-10-2003 dmy.txt", 'f', "dmy.txt", 100, "2003-10-26"),
    ("-rw-r--r-- 1 u g 100 2003.10.06 dotted.txt", 'f', "dotted.txt", 100, "2003-10-06"),
    ("-rw-r--r-- 1 u g 100 06-Oct-03 dmony.txt", 'f', "dmony.txt", 100, "2003-10-06"),
    ("-rw-r--r-- 1 u g 100 Oct 6, 2003 14:30 comma.txt", 'f', "comma.txt", 100, "2003-10-06 14:30"),
    ("-rw-r--r-- 1 u g 100 3 29 03:26 numeric-md.txt", 'f', "numeric-md.txt", 100, "2026-03-29 03:26"),
    ("-rw-r--r-- 1 u g 100 Jan 1 24:00 midnight.txt", 'f', "midnight.txt", 100, "2026-01-02 00:00"),
    ("-rw-r--r-- 1 u g 1 2024-03-05 14:07:33.123456789 +0100 full.txt", 'f', "full.txt", 1, "2024-03-05 14:07:33"),
    ("-rw-r--r-- 1 u g 100 Nov 21 12:30 Dec 01 2020 dated name", 'f', "Dec 01 2020 dated name", 100, "2026-11-21 12:30"),
    ("-r-xr-xr-x 1 root wheel 56 2003 Oct 12 year first.txt", 'f', "year first.txt", 56, "2003-10-12"),
    ("-r-xr-xr-x 1 root wheel 56 2005 3 13 numeric year first", 'f', "numeric year first", 56, "2005-03-13"),
    ("-rw-rw-rw- 1 user group 20 15. Mar 2005 de day first", 'f', "de day first", 20, "2005-03-15"),
    ("-rw-r--r-- 1 user group 20 Mar. 15 2005 dotted month", 'f', "dotted month", 20, "2005-03-15"),
    ("-rw-r--r--   1 root     other        531 Sep 26 13:45:07 secs", 'f', "secs", 531, "2026-09-26 13:45:07"),
    ("-rw-r--r--   1 root  root  2301 4月 20日 12:34 cjk time", 'f', "cjk time", 2301, "2026-04-20 12:34"),
    ("-rw-r--r-- 1 u g 100 Dec 25 12:00 lastyear.txt", 'f', "lastyear.txt", 100, "2025-12-25 12:00"),
    ("-rw-r--r--  1 anna  staff  531 Jan 29 12:00:07 2003 bsd ls -lT", 'f', "bsd ls -lT", 531, "2003-01-29 12:00:07"),
    ("-rw-r--r--  1 anna  staff  531 Nov  2 08:09:10 2026 2027 in name", 'f', "2027 in name", 531, "2026-11-02 08:09:10"),
];

#[rustfmt::skip]
pub(super) const UNIX_LOCALIZED: &[Case] = &[
    ("-rw-r--r-- 1 u g 100 2. Okt. 2003 dt.txt", 'f', "dt.txt", 100, "2003-10-02"),
    ("-rw-r--r-- 1 u g 100 26. Juli, 20:10 juli.txt", 'f', "juli.txt", 100, "2026-07-26 20:10"),
    ("-rw-r--r-- 1 u g 100 Mär 3 2004 maerz.txt", 'f', "maerz.txt", 100, "2004-03-03"),
    ("-rw-r--r-- 1 u g 100 Dez 24 18:00 dez.txt", 'f', "dez.txt", 100, "2025-12-24 18:00"),
    ("-rw-r--r-- 1 u g 100 szept 26 12:00 hu.txt", 'f', "hu.txt", 100, "2026-09-26 12:00"),
    ("-rw-r--r-- 1 u g 100 2003. szept. 26. hu2.txt", 'f', "hu2.txt", 100, "2003-09-26"),
    ("-rw-r--r-- 1 u g 100 márc 4 2005 hu3.txt", 'f', "hu3.txt", 100, "2005-03-04"),
    ("-rw-r--r-- 1 u g 100 févr. 14 2003 fr.txt", 'f', "fr.txt", 100, "2003-02-14"),
    ("-rw-r--r-- 1 u g 100 déc. 3 2020 fr2.txt", 'f', "fr2.txt", 100, "2020-12-03"),
    ("-rw-r--r-- 1 u g 100 juil. 14 09:15 fr3.txt", 'f', "fr3.txt", 100, "2026-07-14 09:15"),
    ("-rw-r--r-- 1 u g 100 ene 5 2004 es.txt", 'f', "es.txt", 100, "2004-01-05"),
    ("-rw-r--r-- 1 u g 100 dic 31 2004 es2.txt", 'f', "es2.txt", 100, "2004-12-31"),
    ("-rw-r--r-- 1 u g 100 set 9 11:05 it.txt", 'f', "it.txt", 100, "2026-09-09 11:05"),
    ("-rw-r--r-- 1 u g 100 giu 2 2010 it2.txt", 'f', "it2.txt", 100, "2010-06-02"),
    ("-rw-r--r-- 1 u g 100 mrt 3 2002 nl.txt", 'f', "nl.txt", 100, "2002-03-03"),
    ("-rw-r--r-- 1 u g 100 mei 17 2002 nl2.txt", 'f', "nl2.txt", 100, "2002-05-17"),
    ("-rw-r--r-- 1 u g 100 paź 12 2004 pl.txt", 'f', "pl.txt", 100, "2004-10-12"),
    ("-rw-r--r-- 1 u g 100 lis 30 2004 pl2.txt", 'f', "pl2.txt", 100, "2004-11-30"),
    ("-rw-r--r-- 1 u g 100 окт 12 2004 ru.txt", 'f', "ru.txt", 100, "2004-10-12"),
    ("-rw-r--r-- 1 u g 100 мая 9 13:45 ru2.txt", 'f', "ru2.txt", 100, "2026-05-09 13:45"),
    ("-rw-r--r-- 1 u g 100 maj 5 2004 sv.txt", 'f', "sv.txt", 100, "2004-05-05"),
    ("-rw-r--r-- 1 u g 100 out 7 2008 pt.txt", 'f', "pt.txt", 100, "2008-10-07"),
    ("-rw-r--r-- 1 u g 100 touko 7 2008 fi.txt", 'f', "fi.txt", 100, "2008-05-07"),
    ("-rw-r--r-- 1 u g 100 10月 12 2004 cn.txt", 'f', "cn.txt", 100, "2004-10-12"),
    ("-rw-r--r-- 1 u g 100 10月 12日 12:30 jp.txt", 'f', "jp.txt", 100, "2026-10-12 12:30"),
    ("-rw-r--r-- 1 u g 100 10월 12일 2004 kr.txt", 'f', "kr.txt", 100, "2004-10-12"),
    ("-rw-r--r-- 1 u g 100 2004年10月12日 full.txt", 'f', "full.txt", 100, "2004-10-12"),
    ("-rw-r--r-- 1 u g 100 2004年 10月 12日 spaced.txt", 'f', "spaced.txt", 100, "2004-10-12"),
    ("-rw-r--r-- 1 u g 100 2004년 3월 1일 kr2.txt", 'f', "kr2.txt", 100, "2004-03-01"),
    ("drwxr-xr-x 2 u g 4096 1月 5 09:00 文件夹", 'd', "文件夹", 4096, "2026-01-05 09:00"),
    ("-rw-r--r-- 1 u g 1024 Okt. 2 2003 dotted-de.txt", 'f', "dotted-de.txt", 1024, "2003-10-02"),
    ("-rw-r--r-- 1 u g 1024 Mai 2 2003 de.txt", 'f', "de.txt", 1024, "2003-05-02"),
    ("-rw-r--r-- 1 u g 1024 2 окт. 2003 ru-dot.txt", 'f', "ru-dot.txt", 1024, "2003-10-02"),
    ("-rw-r--r-- 1 u g 1024 okt 2 2003 sv2.txt", 'f', "sv2.txt", 1024, "2003-10-02"),
    ("-rw-r--r-- 1 u g 1024 sty 2 2003 pl3.txt", 'f', "pl3.txt", 1024, "2003-01-02"),
    ("-rw-r--r-- 1 u g 1024 mars 2 2003 fr4.txt", 'f', "fr4.txt", 1024, "2003-03-02"),
    ("-rw-r--r-- 1 u g 1024 janv. 2 2003 fr5.txt", 'f', "fr5.txt", 1024, "2003-01-02"),
    ("-rw-r--r-- 1 u g 1024 márc. 2 2003 hu4.txt", 'f', "hu4.txt", 1024, "2003-03-02"),
    ("-rw-r--r-- 1 u g 1024 2003. márc. 2. hu5.txt", 'f', "hu5.txt", 1024, "2003-03-02"),
    ("-rw-r--r-- 1 u g 1024 12月 2日 2003 ja.txt", 'f', "ja.txt", 1024, "2003-12-02"),
    ("-rw-r--r-- 1 u g 1024 12월  2일 10:11 ko.txt", 'f', "ko.txt", 1024, "2025-12-02 10:11"),
];

#[rustfmt::skip]
pub(super) const UNIX_SHAPES: &[Case] = &[
    ("-rw-r--r-- 1 u g 100 Jan 29 2003  leading space.txt", 'f', " leading space.txt", 100, "2003-01-29"),
    ("-rw-r--r-- 1 u g 100 Jan 29 2003 inner   spaces.txt", 'f', "inner   spaces.txt", 100, "2003-01-29"),
    ("lrwxrwxrwx 1 u g 12 Jan 29 2003 my link -> target dir/file", 'l', "my link", 12, "2003-01-29"),
    ("-rw-r--r-- 1 u g 100 nodate.txt", 'f', "nodate.txt", 100, "-"),
    ("drwxr-xr-x 1 u g 0 nodate dir", 'd', "nodate dir", 0, "-"),
    ("-rw-r--r-- 1 owner 2048 no group no date", 'f', "no group no date", 2048, "-"),
    ("0100644   500  101   12345    123456789       numeric file.txt", 'f', "numeric file.txt", 12345, "1973-11-29 21:33:09"),
    ("040755 0 0 4096 1100000000 numdir", 'd', "numdir", 4096, "2004-11-09 11:33:20"),
    ("-rw-r--r-- 1 1000 1000 4242 1100000000 epoch.txt", 'f', "epoch.txt", 4242, "2004-11-09 11:33:20"),
    ("d [RWCEAFMS] admin 512 Jan 16 18:53 PUBLIC", 'd', "PUBLIC", 512, "2026-01-16 18:53"),
    ("- [R----F--] admin 28672 Feb 3 2003 nw file.exe", 'f', "nw file.exe", 28672, "2003-02-03"),
    ("d [R----F--] supervisor            512       Jan 16 18:53    login", 'd', "login", 512, "2026-01-16 18:53"),
    ("-C--E-----FTP B BATCH1 18128 41 Aug 12 13:56 REPORT.TXT", 'f', "REPORT.TXT", 41, "2026-08-12 13:56"),
    ("-ARTE-----TCP A cust1 22 1191 Aug 01 09:41 MAILBOX", 'f', "MAILBOX", 1191, "2026-08-01 09:41"),
    ("-rwxr-xr-x    1 user group        9 Oct 08, 2002 09:47 vshell new.txt", 'f', "vshell new.txt", 9, "2002-10-08 09:47"),
    ("drwxr-xr-x    1 user group        0 Oct 08, 2002 09:47 vshell dir", 'd', "vshell dir", 0, "2002-10-08 09:47"),
    ("206876  Apr 04, 2000 21:06 vshell old file.txt", 'f', "vshell old file.txt", 206876, "2000-04-04 21:06"),
    ("0  Dec 12, 2002 02:13 vshell old dir/", 'd', "vshell old dir", 0, "2002-12-12 02:13"),
    ("type=file;size=1024;modify=20030129032600; mlsd in list.txt", 'f', "mlsd in list.txt", 1024, "2003-01-29 03:26:00"),
    ("type=dir;modify=20030129032600; mlsd dir", 'd', "mlsd dir", -1, "2003-01-29 03:26:00"),
    ("modify=20030129032600;size=5; no type", 'f', "no type", 5, "2003-01-29 03:26:00"),
    ("-rw-r--r-- 1 u g 1 Jan 1 2020 a -> b.txt", 'f', "a -> b.txt", 1, "2020-01-01"),
    (" 1234567 -rw-r--r-- 1 u g 531 Jan 29 03:26 inode first", 'f', "inode first", 531, "2026-01-29 03:26"),
    ("   8 drwxr-xr-x 1 u g 4096 Jan 29 03:26 blocks first", 'd', "blocks first", 4096, "2026-01-29 03:26"),
    ("-rw-r--r--\t1\troot\tother\t531\tJan 29 03:26\ttabbed", 'f', "tabbed", 531, "2026-01-29 03:26"),
    ("drwxr-xr-x 2 u g 4096 Jan 1 2020 -> odd", 'd', "-> odd", 4096, "2020-01-01"),
    ("-rw-r--r-- 1 u g 10 Jan 1 2020 trailing space ", 'f', "trailing space ", 10, "2020-01-01"),
    ("-rw-r--r--@ 1 u staff 10 Jan 1 2020 mac.txt", 'f', "mac.txt", 10, "2020-01-01"),
    ("-rw-r--r--. 1 u g 10 Jan 1 2020 selinux.txt", 'f', "selinux.txt", 10, "2020-01-01"),
    ("-rw-r--r--   1 0        0             100 Jan 1 2020 numeric ids", 'f', "numeric ids", 100, "2020-01-01"),
    ("d [RWCEAFMS] Admin 512 Dec 18 2003 SYS", 'd', "SYS", 512, "2003-12-18"),
    ("-------r--         326  1391972  1392298 Nov 22  1995 MegaPhone.sit", 'f', "MegaPhone.sit", 1392298, "1995-11-22"),
    ("drwxrwxr-x               folder        2 May 10  1996 network", 'd', "network", 2, "1996-05-10"),
    ("type=file;size=0;modify=20030129032600;UNIX.mode=0644; name with ; semicolon", 'f', "name with ; semicolon", 0, "2003-01-29 03:26:00"),
    ("type=OS.unix=slink:/x;modify=20030129032600; ln", 'l', "ln", -1, "2003-01-29 03:26:00"),
];

#[test]
fn unix_corpus() {
    check_corpus(ServerType::Auto, UNIX);
    check_corpus(ServerType::Cygwin, UNIX);
}

#[test]
fn unix_date_forms_corpus() {
    check_corpus(ServerType::Auto, UNIX_DATES);
}

#[test]
fn unix_localized_and_cjk_dates_corpus() {
    check_corpus(ServerType::Auto, UNIX_LOCALIZED);
}

#[test]
fn unix_relatives_netware_connect_vshell_numeric_mlsd_corpus() {
    check_corpus(ServerType::Auto, UNIX_SHAPES);
    check_corpus(ServerType::Unix, UNIX_SHAPES);
}
