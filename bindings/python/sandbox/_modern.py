"""The modern interface: sandbox.run() and Box.

    r = sandbox.run(['./a.out'], cpu=1.0, wall=3.0, memory='256M',
                    output='1M', stdin='1.in', stdout='1.out')

Every keyword maps onto one setting of sandbox.h (see Box); units follow
sandbox-run: times in seconds (a number, or a string such as '1500ms',
'2s'), sizes in bytes (a number, or a string with K, M, G, T: '64M').
"""

import os
import re
import resource
import stat as _stat
import threading

from . import _sandbox as _c
from ._report import build_report

PIPE = -1
"""stdout=PIPE / stderr=PIPE: capture into memory (Result.stdout/stderr)."""
DEVNULL = -3
"""stdin/stdout/stderr=DEVNULL: /dev/null."""

_MiB = 1 << 20
_SIZE_UNITS = {'': 1, 'k': 1 << 10, 'm': 1 << 20, 'g': 1 << 30, 't': 1 << 40}
_TIME_UNITS = {'': 1000, 's': 1000, 'ms': 1, 'm': 60000, 'h': 3600000}
_NS = {'pid': _c.S_NS_PID, 'ipc': _c.S_NS_IPC, 'uts': _c.S_NS_UTS,
       'net': _c.S_NS_NET, 'mount': _c.S_NS_MOUNT, 'user': _c.S_NS_USER}


# ASCII digits only, as sandbox-run ('\u0661' is no digit of a quota)
_NUMBER = re.compile(r'([0-9]+)(?:\.([0-9]+))?')
_TIME = re.compile(r'([0-9.]+)(s|ms|m|h|)')
_SIZE = re.compile(r'([0-9.]+)\s*([kKmMgGtT]?)(?:i?[bB])?')


def _exact(text, mult, what):
    """'1.5' * 1000 exactly, as sandbox-run parses numbers."""
    m = _NUMBER.fullmatch(text)
    if not m:
        raise ValueError('malformed %s %r' % (what, text))
    whole, frac = m.group(1), (m.group(2) or '').rstrip('0')
    num = int(whole + frac) * mult
    den = 10 ** len(frac)
    if num % den:
        raise ValueError('%s %r is not a whole number of %s' % (
            what, text, 'milliseconds' if what == 'time' else 'bytes'))
    return num // den


def parse_time(v, what='time'):
    """Seconds (int, float or str with s/ms/m/h) -> milliseconds, or None
    for no limit."""
    if v is None or v == 'unlimited':
        return None
    if isinstance(v, bool):
        raise TypeError('%s should be a number of seconds' % what)
    if isinstance(v, int):
        ms = v * 1000
    elif isinstance(v, float):
        # (decimal and tempfile below are imported where they are needed:
        # together they were half the time `import sandbox` took)
        import decimal
        ms = _exact(format(decimal.Decimal(repr(float(v))), 'f'), 1000, 'time')
    elif isinstance(v, str):
        m = _TIME.fullmatch(v.strip())
        if not m:
            raise ValueError('malformed time %r (seconds such as 1 or 0.5, '
                             'or 1500ms, 2s, 1m, 1h)' % v)
        ms = _exact(m.group(1), _TIME_UNITS[m.group(2)], 'time')
    else:
        raise TypeError('%s should be a number of seconds or a string' % what)
    if ms <= 0:
        raise ValueError('%s %r must be positive' % (what, v))
    return ms


def parse_size(v, what='size'):
    """Bytes (int, or str with K/M/G/T, binary units) -> bytes, or None
    for no limit."""
    if v is None or v == 'unlimited':
        return None
    if isinstance(v, bool):
        raise TypeError('%s should be a number of bytes' % what)
    if isinstance(v, int):
        if v < 0:
            raise ValueError('%s must not be negative' % what)
        return v
    if isinstance(v, str):
        m = _SIZE.fullmatch(v.strip())
        if not m:
            raise ValueError('malformed size %r (bytes, or with K, M, G, T: '
                             '64M)' % v)
        return _exact(m.group(1), _SIZE_UNITS[m.group(2).lower()], 'size')
    raise TypeError('%s should be a number of bytes or a string' % what)


_DIR_MODES = {'ro': _c.S_DIR_RO, 'rw': _c.S_DIR_RW, 'tmp': _c.S_DIR_TMP}
_MEMORY_MODES = {'vsize': _c.S_MEMORY_VSIZE, 'rss': _c.S_MEMORY_RSS}
_MODES = {'fast': _c.S_MODE_FAST, 'classic': _c.S_MODE_CLASSIC}
_AFFINITIES = {'auto': _c.S_AFFINITY_AUTO, 'none': _c.S_AFFINITY_NONE}


def parse_dir(spec):
    """isolate's --dir: 'INSIDE=OUTSIDE[:ro|:rw|:tmp]', 'INSIDE:tmp' or
    'PATH[:ro|:rw]' -> (inside, outside, mode)."""
    spec = os.fspath(spec)
    mode = 'ro'
    head, sep, tail = spec.rpartition(':')
    if sep and tail in _DIR_MODES:
        spec, mode = head, tail
    inside, eq, outside = spec.partition('=')
    if not inside or (eq and not outside):
        raise ValueError('malformed dir %r (INSIDE=OUTSIDE[:ro|:rw|:tmp])'
                         % spec)
    if not eq:
        outside = None if mode == 'tmp' else inside
    return inside, outside, mode


def _namespaces(v):
    if v is None:
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, str):
        v = [x for x in v.split(',') if x]
    mask = 0
    for name in v:
        if name == 'all':
            mask |= _c.S_NS_ALL
        elif name in _NS:
            mask |= _NS[name]
        else:
            raise ValueError('unknown namespace %r (%s, all)' % (
                name, ', '.join(_NS)))
    return mask


def _rlimit_resource(name):
    if isinstance(name, int):
        return name
    key = name.upper()
    if not key.startswith('RLIMIT_'):
        key = 'RLIMIT_' + key
    try:
        return getattr(resource, key)
    except AttributeError:
        raise ValueError('unknown rlimit %r' % name) from None


def _input_file(data):
    """A file holding data that the program can read and never change: a
    memfd sealed against writes, growth and shrinking (the program gets a
    descriptor of it, and could write through that or through
    /proc/self/fd/0: it would rewrite the input of the next runs, or fill
    the judge's disk), else, where there is no memfd, a read-only
    descriptor of an unlinked temporary file. Returned at offset 0."""
    import fcntl
    try:
        fd = os.memfd_create('sandbox-input',
                             os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING)
    except (AttributeError, OSError):
        fd = -1
    if fd < 0:
        import tempfile
        with tempfile.TemporaryFile() as t:
            t.write(data)
            t.flush()
            return open('/proc/self/fd/%d' % t.fileno(), 'rb', buffering=0)
    f = open(fd, 'r+b', buffering=0)
    try:
        view = memoryview(data).cast('B')
        while view:
            view = view[f.write(view):]
        fcntl.fcntl(fd, fcntl.F_ADD_SEALS,
                    fcntl.F_SEAL_WRITE | fcntl.F_SEAL_GROW |
                    fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_SEAL)
        f.seek(0)
    except BaseException:
        f.close()
        raise
    return f


class _FunctionPolicy(_c.SandboxPolicy):
    """A plain callable f(event, action) as a classic policy. It decides
    syscalls and signals; how the run ended (exit, quota, error) is not
    asked: the library's verdict stands."""

    _ENDS = (_c.S_EVENT_EXIT, _c.S_EVENT_QUOTA, _c.S_EVENT_ERROR)

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, e, a):
        if e.type in self._ENDS:
            return _c.SandboxPolicy.__call__(self, e, a)
        return self.fn(e, a)


def _policy_object(policy):
    """(policy object for set_policy, label for the report)."""
    if policy is None or policy == 'default':
        return None, 'default'
    if isinstance(policy, (str, bytes, os.PathLike)):
        p = _c.Policy(policy)
        return p, p.name
    if isinstance(policy, _c.Policy):
        return policy, policy.name
    if isinstance(policy, _c.SandboxPolicy):
        t = type(policy)
        return policy, 'python:%s.%s' % (t.__module__, t.__qualname__)
    if callable(policy):
        name = getattr(policy, '__qualname__', type(policy).__qualname__)
        return _FunctionPolicy(policy), 'python:%s' % name
    raise TypeError('policy should be a name, a path, a Policy, a '
                    'SandboxPolicy or a callable, not %r' % (policy,))


def _box_copies(box, argv, copy_in, copy_out):
    """The box's copies as (out, a, b) for box_copy_out(name, host) or
    box_copy_in(host, name), then the command line: a program given by a
    relative path is copied in under its own name and run as ./NAME, as
    sandbox-run --box does. copy_in: host paths (copied as their base
    name) or (host, name); copy_out: names (copied to that name in the
    current directory) or (name, host)."""
    if isinstance(copy_in, (str, bytes, os.PathLike)):
        copy_in = [copy_in]
    if isinstance(copy_out, (str, bytes, os.PathLike)):
        copy_out = [copy_out]
    if not box:
        if copy_in or copy_out:
            raise ValueError('copy_in and copy_out need box=True')
        return []
    copies = []
    for c in copy_in:
        host, name = ((c, os.path.basename(os.fspath(c)))
                      if isinstance(c, (str, bytes, os.PathLike)) else c)
        copies.append((False, os.fspath(host), os.fspath(name)))
    for c in copy_out:
        name, host = ((c, c) if isinstance(c, (str, bytes, os.PathLike))
                      else c)
        copies.append((True, os.fspath(name), os.fspath(host)))
    prog = argv[0]
    if isinstance(prog, str) and not os.path.isabs(prog):
        name = os.path.basename(prog)
        if not any(not out and b == name for out, _, b in copies):
            copies.append((False, prog, name))
        argv = ['./' + name] + argv[1:]
    copies.append(argv)
    return copies


class Box:
    """A configured sandbox that can run its program many times.

    Box(argv, **settings).run() -> Result. The settings are those of
    sandbox.run(); run() may be called again (a new run of the same
    configuration, reusing the library's sandbox).
    """

    def __init__(self, argv, *, cpu=None, wall=None, memory=None,
                 output=None, stack=None, tasks=None, processes=None,
                 memory_mode=None, stdin=None, stdout=None,
                 stderr=None, policy='default', mode=None, env=None,
                 inherit_env=False, env_pass=None, env_strip=None,
                 workdir=None, chroot=None, uid=None, gid=None, groups=None,
                 namespaces=None, hostname=None, id_map=None, rootfs=None,
                 rootfs_writable=False, dirs=(), tmpfs_size=None,
                 cgroup_parent=None, cgroup_memory=None, cgroup_pids=None,
                 cgroup_cpu=None, cgroup_version=None, rlimits=None,
                 drop_caps=None, best_effort=False, backtrace=False,
                 profile=False, sample_interval=None, profile_file=None,
                 profile_format='csv', affinity='auto',
                 cpus=None, observer=None,
                 capture_limit=64 * _MiB, box=False, copy_in=(),
                 copy_out=(), box_id=None, box_ids=None):
        if isinstance(argv, (str, bytes, os.PathLike)):
            argv = [argv]
        argv = [os.fspath(a) for a in argv]
        copies = _box_copies(box, argv, copy_in, copy_out)
        if copies:
            argv = copies.pop()  # ./NAME for a program copied in
        self._sb = sb = _c.Sandbox(argv, check=False)
        self._keep = []          # objects whose descriptors the runs use
        self._input = None       # stdin given as bytes (a sealed memfd)
        self._capture = {}
        self._inherited = {}     # inherited stdout/stderr: captured?
        self._opts = {'backtrace': bool(backtrace)}

        # quotas
        quotas = ((_c.S_QUOTA_CPU, parse_time(cpu, 'cpu')),
                  (_c.S_QUOTA_WALLCLOCK, parse_time(wall, 'wall')),
                  (_c.S_QUOTA_MEMORY, parse_size(memory, 'memory')),
                  (_c.S_QUOTA_DISK, parse_size(output, 'output')))
        if tasks is not None and processes is not None and tasks != processes:
            raise ValueError('tasks and processes are one quota: give one')
        tasks = tasks if tasks is not None else processes
        if tasks is not None and (isinstance(tasks, bool) or
                                  not isinstance(tasks, int) or tasks < 1):
            raise ValueError('tasks should be a positive number of tasks')
        quotas += ((_c.S_QUOTA_STACK, parse_size(stack, 'stack')),
                   (_c.S_QUOTA_TASKS, tasks))
        for q, v in quotas:
            sb.set_quota(q, v)
        # None: the policy's preference (rss for java, go, node), else vsize
        mm = _MEMORY_MODES.get(memory_mode, memory_mode)
        if mm is not None:
            sb.set_memory_mode(mm)
        self._opts['memory_mode'] = mm

        # policy and mode
        pobj, label = _policy_object(policy)
        self.policy = pobj
        self._opts['policy_label'] = label
        sb.set_policy(pobj)
        if mode is not None:
            sb.set_mode(_MODES.get(mode, mode))

        # streams
        self._stream(0, stdin)
        self._stream(1, stdout, capture_limit)
        self._stream(2, stderr, capture_limit)

        # process
        if env is not None:
            sb.set_env(env)
        if inherit_env:
            sb.set_env_inherit(True)
        if env_pass is not None:
            sb.set_env_pass(list(env_pass))
        if env_strip is not None:
            sb.set_env_strip(list(env_strip))
        if workdir is not None:
            sb.set_workdir(workdir)
        if chroot is not None:
            sb.set_chroot(chroot)
        if uid is not None or gid is not None or groups is not None:
            sb.set_credentials(-1 if uid is None else uid,
                               -1 if gid is None else gid,
                               () if groups is None else tuple(groups))
        for name, value in (rlimits or {}).items():
            sb.set_rlimit(_rlimit_resource(name),
                          parse_size(value, 'rlimit %s' % name))
        if affinity is not None:
            sb.set_affinity(_AFFINITIES.get(affinity, affinity))
        if cpus is not None:
            sb.set_cpus(cpus if isinstance(cpus, str) else
                        ','.join(str(c) for c in cpus))
        if sample_interval is not None:
            sb.set_sample_interval(int(round(sample_interval * 1e6)))

        # isolation
        ns = _namespaces(namespaces)
        if ns is not None:
            sb.set_namespaces(ns)
        if hostname is not None:
            sb.set_hostname(hostname)
        if id_map is not None:
            sb.set_id_map(*id_map)
        if rootfs is not None:
            sb.set_rootfs(rootfs, rootfs_writable)
        for d in dirs:
            inside, outside, dmode = (parse_dir(d) if isinstance(
                d, (str, os.PathLike)) else (tuple(d) + (None, 'ro'))[:3])
            sb.add_dir(inside, outside, _DIR_MODES.get(dmode, dmode))
        if tmpfs_size is not None:
            sb.set_tmpfs_size(parse_size(tmpfs_size, 'tmpfs_size'))
        if cgroup_parent is not None:
            sb.set_cgroup_parent(cgroup_parent)
        if (cgroup_memory, cgroup_pids, cgroup_cpu) != (None, None, None):
            sb.set_cgroup_limits(parse_size(cgroup_memory, 'cgroup_memory'),
                                 cgroup_pids, cgroup_cpu or 0)
        if cgroup_version is not None:
            sb.set_cgroup_version(cgroup_version)
        if drop_caps is not None:
            sb.set_drop_caps(drop_caps)
        if best_effort:
            sb.set_best_effort(True)
        if box_ids is not None:
            sb.set_box_ids(*box_ids)
        if box_id is not None:
            sb.set_box_id(box_id)
        if box:
            sb.set_box(True)
            for out, a, b in copies:
                (sb.box_copy_out if out else sb.box_copy_in)(a, b)

        # diagnostics
        sb.set_backtrace(_c.S_BT_DEFAULT if backtrace is True
                         else int(backtrace or 0))
        flags = _c.SANDBOX_PROFILE_SYSCALLS if profile else 0
        fd = -1
        if profile_file is not None:
            fd = self._fd_for(profile_file, 'w')
            flags |= {'csv': _c.SANDBOX_PROFILE_CSV,
                      'jsonl': _c.SANDBOX_PROFILE_JSONL}[profile_format]
        interval = 0
        if sample_interval is not None or profile_file is not None:
            interval = int(round((sample_interval or 0.01) * 1e6))
        if flags or interval:
            sb.set_profile(interval, fd, flags)
        if observer is not None:
            sb.set_event_hook(observer)
        self._samples = interval > 0

        sb.check()

    # ------------------------------------------------------------ streams

    def _fd_for(self, target, how):
        """A descriptor for a path (opened here, kept), a file or an fd."""
        if isinstance(target, int):
            return target
        if isinstance(target, (str, bytes, os.PathLike)):
            f = open(target, how + 'b')
            self._keep.append(f)
            return f.fileno()
        self._keep.append(target)
        return target.fileno()

    def _inherit(self, which):
        """Inherited stdout or stderr, as our descriptor is now: a regular
        file (the judge's `>> results`, `2>> judge.log`) is captured,
        quota or not, as sandbox-run does -- the program never holds the
        judge's own open file, which it could truncate, rewrite at offset
        0 or lock (review-box2 C12); anything else is handed over (under
        an output quota the library captures a pipe or terminal itself).
        Decided again before every run: an idle sandbox run() reuses may
        find another descriptor there."""
        try:
            regular = _stat.S_ISREG(os.fstat(which).st_mode)
        except OSError:
            regular = False  # closed: nothing to hand over
        if regular != self._inherited.get(which):
            self._sb.set_capture(which, which if regular else None)
            self._inherited[which] = regular

    def _stream(self, which, target, limit=64 * _MiB):
        sb = self._sb
        self._inherited.pop(which, None)
        if target is None:
            if which:
                self._inherit(which)
            return
        if target is PIPE and which:
            sb.set_capture(which, None, True, limit)
            self._capture[which] = True
            return
        if target is DEVNULL:
            sb.set_stdio_path(which, os.devnull)
            return
        if isinstance(target, (bytes, bytearray, memoryview)) and which == 0:
            # The input itself, read from its start at every run.
            f = _input_file(target)
            sb.set_stdio(0, f)
            if self._input is not None:
                self._input.close()
            self._input = f
            return
        if which == 0 and self._input is not None:
            self._input.close()
            self._input = None
        if isinstance(target, (str, os.PathLike)):
            sb.set_stdio_path(which, target)
            return
        # A pipe or terminal under an output quota: the library captures
        # it (sandbox.h, "What S_QUOTA_DISK bounds").
        sb.set_stdio(which, target)

    # ------------------------------------------------------------ running

    @property
    def sandbox(self):
        """The underlying sandbox.Sandbox-like object (_sandbox.Sandbox)."""
        return self._sb

    def interrupt(self, signo=2):
        """End the run in progress (from another thread): verdict IE."""
        self._sb.interrupt(signo)

    def run(self, stdin=None):
        """Run the program once more; returns a Result. stdin, when
        given, replaces the input for this run and the next ones (as the
        stdin setting does)."""
        sb = self._sb
        if stdin is not None:
            self._stream(0, stdin)
        if self._input is not None:
            self._input.seek(0)
        for which in tuple(self._inherited):
            self._inherit(which)
        sb.execute()
        return self._report()

    def _report(self):
        """The Result of the last run (run(), or an interaction's)."""
        sb = self._sb
        extra = {}  # this run's: the Box keeps no output of its own
        for which, name in ((1, 'stdout'), (2, 'stderr')):
            if self._capture.get(which):
                extra[name] = sb.captured(which)
                extra[name + '_truncated'] = sb.capture_truncated(which)
        if self._samples:
            extra['samples'] = sb.samples()
        opts = dict(self._opts)
        opts['extra'] = extra
        return build_report(sb, opts)

    def _idle(self):
        """Kept idle by run(): the last run's input and captured output
        are let go (the next run is given its own input)."""
        self._sb._release_captured()
        if self._input is not None:
            self._input.close()
            self._input = None

    def close(self):
        """Close the files this Box opened."""
        if self._input is not None:
            self._input.close()
            self._input = None
        for f in self._keep:
            if hasattr(f, 'close') and not isinstance(f, int):
                try:
                    f.close()
                except OSError:
                    pass
        self._keep = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def run(argv, **settings):
    """Run argv once in a sandbox and return a Result.

    Quotas: cpu, wall (seconds, or '1500ms', '2s'), memory, output, stack
    (bytes, or '256M'), tasks (threads and processes alive at once, the
    first included; processes= is the same, as sandbox-run --processes),
    memory_mode ('vsize' or 'rss'; default: what the policy asks for,
    else 'vsize').
    Streams: stdin (a path, bytes, a file, an fd, DEVNULL), stdout and
    stderr (a path, a file, an fd, PIPE to capture, DEVNULL).
    Policy: policy ('default' or another built-in name, a policy file,
    'MODULE.so[:ARG]', a Policy, a SandboxPolicy, or a callable
    f(event, action) -> action that decides every syscall), mode ('fast'
    or 'classic').
    Process: env (dict or NAME=VALUE list), inherit_env, env_pass,
    env_strip, workdir, chroot, uid, gid, groups, rlimits ({'nofile': 64}),
    affinity ('auto' or 'none'), cpus ('0-3,6' or a list of CPUs),
    sample_interval (seconds).
    Isolation: namespaces ('pid,net' or a list, 'all'), hostname, id_map,
    rootfs, rootfs_writable, dirs (['/data=/srv/data:ro', ...]),
    tmpfs_size, cgroup_parent, cgroup_memory, cgroup_pids, cgroup_cpu,
    cgroup_version, drop_caps, best_effort.
    The box (the recommended setup, docs/ISOLATION.md): box=True runs the
    program in a root of its own with an empty /box as its working
    directory, fresh at every run; a program given by a relative path
    ('./solution') is copied in and run from there; copy_in (host paths,
    or (host, name) pairs) are copied into /box before each run, copy_out
    (names, or (name, host) pairs) out of it after each run (the host
    files are emptied when the run starts). box_id (a run slot, 0..999)
    and box_ids ((first_uid, first_gid, count)) choose the uid a root
    supervisor runs the program as. The report's isolation section has
    box_bytes, box_peak_bytes, box_limit_bytes, box_missing, box_error,
    box_refused.
    Diagnostics: observer (a callable f(event, decision) that sees every
    event and what was decided, EXIT and QUOTA included, and decides
    nothing; an exception it raises is Result.hook_error), backtrace,
    profile (syscall counts), sample_interval,
    profile_file, profile_format ('csv' or 'jsonl').

    Runs of the same configuration reuse an idle sandbox (see
    run_cache()) when every setting is a plain value -- numbers, strings,
    paths, PIPE, DEVNULL, stdin as bytes, a built-in policy by name --
    and the library builds for each run anew what depends on files (the
    checked program, the file rules): a run is what it would be in a new
    sandbox, only cheaper.

    A configuration the library refuses raises SandboxError (or
    ValueError/TypeError for a malformed value); a program that could not
    be started gives a Result with result 'PD' and error set, as
    sandbox-run's report does.
    """
    try:
        key = _run_key(argv, settings)
    except _Uncached:
        with Box(argv, **settings) as box:
            return box.run()
    data = settings.get('stdin')
    if not isinstance(data, (bytes, bytearray)):
        data = None
    box = _pool_take(key)
    if box is None:
        box = Box(argv, **settings)
        try:
            result = box.run()
        except BaseException:
            box.close()
            raise
    else:
        try:
            box._sb._renew()
            result = box.run(stdin=data)
        except BaseException:
            _pool_give(key, box)
            raise
    _pool_give(key, box)
    return result


# sandbox.run()'s idle sandboxes, by configuration. Only plain settings
# make a key: a file object, a descriptor, a callable, a Policy object or a
# policy file (which can change on disk) gets a sandbox of its own, closed
# after its run. Each idle sandbox keeps what a sandbox holds between runs
# (a manager thread, a few descriptors; as root, its run slot).
_pool_lock = threading.Lock()
_pool = {}         # key -> [Box, ...]
_pool_count = 0
_pool_max = 4
_pool_forsaken = []  # a fork's child never destroys its parent's sandboxes


class _Uncached(Exception):
    """The settings name something a key cannot hold."""


_PLAIN = frozenset((str, bytes, int, float, bool, type(None)))
_BUILTINS = None


def _plain(v):
    t = type(v)
    if t in _PLAIN:
        return (t.__name__, v)
    if t is list or t is tuple:
        return ('seq', tuple(_plain(x) for x in v))
    if t is dict:
        return ('dict', tuple((_plain(k), _plain(x)) for k, x in v.items()))
    if isinstance(v, os.PathLike):
        return _plain(os.fspath(v))
    raise _Uncached


def _run_key(argv, settings):
    """A hashable key for run()'s configuration, or _Uncached."""
    global _BUILTINS
    if _pool_max == 0:
        raise _Uncached
    items = []
    for name, v in settings.items():
        if name in ('stdin', 'stdout', 'stderr'):
            if v is None or v is PIPE or v is DEVNULL:
                v = ('stream', v)
            elif name == 'stdin' and isinstance(v, (bytes, bytearray)):
                v = ('input',)  # given to each run
            elif isinstance(v, (str, os.PathLike)):
                v = _plain(v)
            else:
                raise _Uncached  # a file or a descriptor
        elif name == 'policy':
            if _BUILTINS is None:
                _BUILTINS = frozenset(_c.Policy.list())
            if v is not None and (type(v) is not str or
                                  (v != 'default' and v not in _BUILTINS)):
                raise _Uncached
            v = _plain(v)
        elif name in ('observer', 'profile_file') and v is not None:
            raise _Uncached
        else:
            v = _plain(v)
        items.append((name, v))
    items.sort()
    if isinstance(argv, (str, bytes, os.PathLike)):
        argv = [argv]
    return (_plain(list(argv)), tuple(items))


def _pool_take(key):
    global _pool_count
    with _pool_lock:
        idle = _pool.get(key)
        if not idle:
            return None
        _pool_count -= 1
        box = idle.pop()
        if not idle:
            del _pool[key]
        return box


def _pool_give(key, box):
    global _pool_count
    box._idle()
    with _pool_lock:
        if _pool_count < _pool_max:
            _pool.setdefault(key, []).append(box)
            _pool_count += 1
            return
    box.close()


def run_cache(size=None):
    """How many idle sandboxes run() keeps for its next runs (4 by
    default); with size, set it (0: none, each run() gets a new sandbox
    and closes it). Returns the size before the call."""
    global _pool_max, _pool_count
    old = _pool_max
    if size is not None:
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise ValueError('run_cache size should be a number >= 0')
        drop = []
        with _pool_lock:
            _pool_max = size
            while _pool_count > size:
                key = next(iter(_pool))
                drop.append(_pool[key].pop())
                if not _pool[key]:
                    del _pool[key]
                _pool_count -= 1
        for box in drop:
            box.close()
    return old


def _pool_after_fork():
    """In a child made by fork(): the parent's idle sandboxes have no
    manager thread here; they are set aside, never used or destroyed."""
    global _pool, _pool_count, _pool_lock
    _pool_lock = threading.Lock()
    for idle in _pool.values():
        _pool_forsaken.extend(idle)
    _pool = {}
    _pool_count = 0


os.register_at_fork(after_in_child=_pool_after_fork)


__all__ = ['run', 'run_cache', 'Box', 'PIPE', 'DEVNULL', 'parse_time', 'parse_size']
