"""Read-only lookup of exported symbols in ELF files (the interpreter binary or libpython).

Pre-flight must learn a target's Python version without running anything in it: the file
names (``python3.12``, ``libpython3.13.so``) are a hint only, since an interpreter may be called
``python`` or be linked statically into an application. CPython 3.11+ exports
``const unsigned long Py_Version = PY_VERSION_HEX``, so the version can be read from the
binary on disk, the same bytes the process mapped. Python < 3.11 has no ``Py_Version`` but
exports ``Py_GetVersion``; that tells us "Python, too old" without a number.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import BinaryIO

_SHT_SYMTAB = 2
_SHT_DYNSYM = 11
_SHN_UNDEF = 0


@dataclass(frozen=True)
class ElfSymbol:
    name: str
    value: int
    size: int
    section: int


class ElfError(Exception):
    """The file is not an ELF file this reader understands."""


def _read_at(f: BinaryIO, offset: int, size: int) -> bytes:
    f.seek(offset)
    data = f.read(size)
    if len(data) != size:
        raise ElfError("truncated ELF file")
    return data


def find_symbols(path: str, names: set[str]) -> dict[str, tuple[ElfSymbol, bytes | None]]:
    """Find defined symbols named in ``names``; returns name -> (symbol, its bytes on disk).

    The bytes are ``None`` when the symbol lives in a section without file contents.
    Only ``.dynsym`` and ``.symtab`` are read; debug info is never needed.
    """
    wanted = {n.encode() for n in names}
    found: dict[str, tuple[ElfSymbol, bytes | None]] = {}
    with open(path, "rb") as f:
        ident = f.read(16)
        if len(ident) < 16 or ident[:4] != b"\x7fELF":
            raise ElfError(f"{path} is not an ELF file")
        is64 = ident[4] == 2
        endian = "<" if ident[5] == 1 else ">"
        if is64:
            hdr = struct.unpack(endian + "HHIQQQIHHHHHH", _read_at(f, 16, 48))
        else:
            hdr = struct.unpack(endian + "HHIIIIIHHHHHH", _read_at(f, 16, 36))
        shoff, shentsize, shnum = hdr[5], hdr[10], hdr[11]
        if shoff == 0 or shnum == 0:
            raise ElfError(f"{path} has no section headers")
        # (type, offset, size, link, entsize, addr) per section
        sections: list[tuple[int, int, int, int, int, int]] = []
        raw = _read_at(f, shoff, shentsize * shnum)
        for i in range(shnum):
            chunk = raw[i * shentsize : (i + 1) * shentsize]
            if is64:
                _n, typ, _fl, addr, off, size, link, _inf, _al, ent = struct.unpack(
                    endian + "IIQQQQIIQQ", chunk[:64]
                )
            else:
                _n, typ, _fl, addr, off, size, link, _inf, _al, ent = struct.unpack(
                    endian + "IIIIIIIIII", chunk[:40]
                )
            sections.append((typ, off, size, link, ent, addr))
        for kind in (_SHT_DYNSYM, _SHT_SYMTAB):
            for typ, off, size, link, ent, _addr in sections:
                if typ != kind or ent == 0 or link >= len(sections):
                    continue
                _st, str_off, str_size, *_ = sections[link]
                strtab = _read_at(f, str_off, str_size)
                symtab = _read_at(f, off, size)
                for j in range(size // ent):
                    entry = symtab[j * ent : (j + 1) * ent]
                    if is64:
                        st_name, _info, _other, shndx, value, sym_size = struct.unpack(
                            endian + "IBBHQQ", entry[:24]
                        )
                    else:
                        st_name, value, sym_size, _info, _other, shndx = struct.unpack(
                            endian + "IIIBBH", entry[:16]
                        )
                    if shndx == _SHN_UNDEF or st_name >= len(strtab):
                        continue
                    end = strtab.find(b"\0", st_name)
                    name = strtab[st_name:end]
                    if name not in wanted or name.decode() in found:
                        continue
                    sym = ElfSymbol(name.decode(), value, sym_size, shndx)
                    data: bytes | None = None
                    if shndx < len(sections) and 0 < sym_size <= 64:
                        s_typ, s_off, s_size, _l, _e, s_addr = sections[shndx]
                        rel = value - s_addr
                        if s_typ != 8 and 0 <= rel and rel + sym_size <= s_size:  # 8: NOBITS
                            data = _read_at(f, s_off + rel, sym_size)
                    found[sym.name] = (sym, data)
            if len(found) == len(wanted):
                break
    return found


def read_py_version(path: str) -> int | None:
    """PY_VERSION_HEX read from ``Py_Version`` in ``path``; -1 for a pre-3.11 CPython binary;
    None when the file holds no CPython interpreter at all."""
    syms = find_symbols(path, {"Py_Version", "Py_GetVersion", "Py_Initialize"})
    entry = syms.get("Py_Version")
    if entry is not None and entry[1] is not None and len(entry[1]) in (4, 8):
        data = entry[1]
        # Byte order: ELF files here are native to the machine that runs both processes.
        return int.from_bytes(data, "little" if struct.pack("=H", 1)[0] == 1 else "big")
    if "Py_GetVersion" in syms or "Py_Initialize" in syms:
        return -1
    return None
