"""A real OpenLDAP server for the directory tests: Debian's ``slapd`` started on a free
port with a configuration and database of its own in a temporary folder, filled with
``slapadd`` from an LDIF. Locally a machine without slapd skips these tests; in CI
(CI=true) they fail (tests/services.py)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from tests.services import need

SLAPD = shutil.which("slapd") or "/usr/sbin/slapd"
SLAPADD = shutil.which("slapadd") or "/usr/sbin/slapadd"
SUFFIX = "dc=mingze,dc=test"
ROOT_DN = f"cn=admin,{SUFFIX}"
ROOT_PASSWORD = "directory-root-pw"
PEOPLE = f"ou=people,{SUFFIX}"
GROUPS = f"ou=groups,{SUFFIX}"

CONFIG = """\
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {folder}/slapd.pid
database mdb
maxsize 10485760
suffix "{suffix}"
rootdn "{root_dn}"
rootpw {root_password}
directory {folder}/db
access to attrs=userPassword by self read by anonymous auth by * none
access to * by * read
"""


def person(uid: str, name: str, mail: str, department: str, password: str, **extra: str) -> str:
    lines = [
        f"dn: uid={uid},{PEOPLE}",
        "objectClass: inetOrgPerson",
        f"uid: {uid}",
        f"cn: {name}",
        f"sn: {name[:1]}",
        f"mail: {mail}",
        f"ou: {department}",
        f"userPassword: {password}",
    ]
    lines += [f"{key}: {value}" for key, value in extra.items()]
    return "\n".join(lines) + "\n"


def group(name: str, *members: str) -> str:
    lines = [f"dn: cn={name},{GROUPS}", "objectClass: groupOfNames", f"cn: {name}"]
    lines += [f"member: uid={uid},{PEOPLE}" for uid in members]
    return "\n".join(lines) + "\n"


# The organ's directory: two branch secretaries, an administrator, a leader, and the
# groups Mingze's roles are mapped from (settings LDAP_ROLE_GROUPS in the tests).
LDIF = "\n".join(
    [
        f"dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: mingze\no: Mingze test organ\n",
        f"dn: {PEOPLE}\nobjectClass: organizationalUnit\nou: people\n",
        f"dn: {GROUPS}\nobjectClass: organizationalUnit\nou: groups\n",
        person("zhangsan", "张三", "zhangsan@organ.test", "第一党支部", "dir-pw-zhangsan", title="支部书记"),
        person("lisi", "李四", "lisi@organ.test", "第二党支部", "dir-pw-lisi", title="支部书记"),
        person("wangwu", "王五", "wangwu@organ.test", "机关党委", "dir-pw-wangwu", title="党组成员"),
        person("zhaoliu", "赵六", "zhaoliu@organ.test", "第一党支部", "dir-pw-zhaoliu", title="组织委员"),
        group("mingze-secretaries", "zhangsan", "lisi"),
        group("mingze-leaders", "wangwu"),
    ]
)


@dataclass
class Directory:
    uri: str
    folder: Path
    process: subprocess.Popen

    def connect(self):
        import ldap

        connection = ldap.initialize(self.uri)
        connection.simple_bind_s(ROOT_DN, ROOT_PASSWORD)
        return connection

    def modify(self, dn: str, **values: str | None) -> None:
        """Replace (or, with None, remove) attributes of an entry."""
        import ldap

        connection = self.connect()
        changes = [
            (ldap.MOD_REPLACE, key, [value.encode()]) if value is not None else (ldap.MOD_DELETE, key, None)
            for key, value in values.items()
        ]
        connection.modify_s(dn, changes)
        connection.unbind_s()

    def add(self, dn: str, **values: str | list[str]) -> None:
        connection = self.connect()
        entry = [
            (key, [v.encode() for v in (value if isinstance(value, list) else [value])])
            for key, value in values.items()
        ]
        connection.add_s(dn, entry)
        connection.unbind_s()

    def delete(self, dn: str) -> None:
        connection = self.connect()
        connection.delete_s(dn)
        connection.unbind_s()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_directory(folder: Path) -> Directory:
    need("OpenLDAP (slapd)", Path(SLAPD).exists() and Path(SLAPADD).exists(), "apt-get install slapd")
    try:
        import ldap  # noqa: F401
    except ImportError:
        need("python-ldap", False, "pip install -r requirements-directory.txt")
    (folder / "db").mkdir(parents=True)
    config = folder / "slapd.conf"
    config.write_text(
        CONFIG.format(folder=folder, suffix=SUFFIX, root_dn=ROOT_DN, root_password=ROOT_PASSWORD), encoding="utf-8"
    )
    (folder / "data.ldif").write_text(LDIF, encoding="utf-8")
    load = subprocess.run(
        [SLAPADD, "-f", str(config), "-l", str(folder / "data.ldif")], capture_output=True, text=True, check=False
    )
    assert load.returncode == 0, load.stderr
    port = free_port()
    uri = f"ldap://127.0.0.1:{port}"
    # -d 0: stay in the foreground (so the fixture owns the process) and log nothing.
    process = subprocess.Popen(
        [SLAPD, "-f", str(config), "-h", uri, "-d", "0"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"slapd stopped: {process.stderr.read().decode()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        raise AssertionError("slapd did not start listening")
    return Directory(uri=uri, folder=folder, process=process)
