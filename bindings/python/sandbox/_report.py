"""The outcome of a run, with the fields of sandbox-run's JSON report.

build_report() follows cli/report.c key by key and in the same order, so
Result.to_json() and `sandbox-run --report` describe a run alike. A new
field of the report is one line in build_report() (and one in the .pyi);
tests/test_report.py compares the keys with sandbox-run's own report.
"""

import signal as _signal

from . import _sandbox as _c

# The version of sandbox-run's report these keys follow (cli/report.h).
REPORT_VERSION = 2

_ISO_NAMES = (
    (_c.S_NS_PID, 'pid'), (_c.S_NS_IPC, 'ipc'), (_c.S_NS_UTS, 'uts'),
    (_c.S_NS_NET, 'net'), (_c.S_NS_MOUNT, 'mount'), (_c.S_NS_USER, 'user'),
    (_c.S_ISO_FS, 'fs'), (_c.S_ISO_PIVOT, 'pivot_root'),
    (_c.S_ISO_CG_MEMORY, 'cgroup_memory'), (_c.S_ISO_CG_PIDS, 'cgroup_pids'),
    (_c.S_ISO_CG_CPU, 'cgroup_cpu'), (_c.S_ISO_CAPS, 'caps_dropped'),
    (_c.S_ISO_ENV_STRIP, 'env_strip'), (_c.S_ISO_BOX, 'box'),
)


def signal_name(sig):
    """'SIGSEGV', 'SIGRTMIN+3', or 'SIG<n>' (as sandbox-run writes them)."""
    rtmin, rtmax = _signal.SIGRTMIN, _signal.SIGRTMAX
    if sig == rtmin:
        return 'SIGRTMIN'
    if rtmin < sig <= rtmax:
        return 'SIGRTMIN+%d' % (sig - rtmin)
    try:
        return _signal.Signals(sig).name
    except ValueError:
        return 'SIG%d' % sig


def _figure(v):
    return None if v is None or v < 0 else v


def _quota(v):
    return None if v == _c.SANDBOX_UNLIMITED else v


# What made the request the memory quota refused (sandbox_memreq_t).
_MEMREQ = {1: 'syscall', 2: 'stack', 3: 'exec'}
_TL_LIMITS = {_c.S_TL_CPU: 'cpu', _c.S_TL_WALL: 'wall'}
_QUOTAS = {_c.S_QUOTA_WALLCLOCK: 'wall', _c.S_QUOTA_CPU: 'cpu',
           _c.S_QUOTA_MEMORY: 'memory', _c.S_QUOTA_DISK: 'output',
           _c.S_QUOTA_STACK: 'stack', _c.S_QUOTA_TASKS: 'tasks'}


def _iso_names(mask):
    return [n for bit, n in _ISO_NAMES if mask & bit]


class Result:
    """What happened to one run.

    The attributes named after the keys of sandbox-run's JSON report
    (version 2: report_version, result, result_text, exit_code, signal,
    signal_name, signal_code, signal_code_name, limit, syscall, interrupted, interrupted_name, mode,
    policy, cpu_time_us, cpu_charged_us, user_time_us, sys_time_us,
    wall_time_us,
    memory_peak_bytes, memory_refused_bytes, memory_refused_by,
    rss_peak_bytes, vm_peak_bytes, csw_voluntary,
    csw_forced, output_bytes, syscalls, cpu, box_id, uid, gid, supervisor_cpu_us, quota, command, binary,
    isolation, file_rules, backtrace, backtrace_info, syscall_counts,
    error) hold the same values, None where the report has null. to_dict() and to_json()
    give the report itself.

    Beyond the report: verdict (the S_RESULT_* number), ok, stdout and
    stderr (bytes, when captured with PIPE), policy_error and
    policy_traceback (a Python policy's exception, verdict BP), stat (the
    library's statistics, every field of sandbox_stat_t), samples (with a
    sample interval).

    The report is assembled from what the run left (read from the
    sandbox when it ended) the first time one of its keys is read: a
    caller that looks only at verdict, ok, stat or the captured output
    does not pay for it.
    """

    __slots__ = ('_report', '_raw', 'verdict', 'stat', 'stdout', 'stderr',
                 'stdout_truncated', 'stderr_truncated', 'policy_error',
                 'policy_traceback', 'hook_error', 'samples')

    def __init__(self, raw, verdict, stat, stdout=None, stderr=None,
                 stdout_truncated=None, stderr_truncated=None,
                 policy_error=None, policy_traceback=None, hook_error=None,
                 samples=None):
        self._report = None
        self._raw = raw
        self.verdict = verdict
        self.stat = stat
        self.stdout = stdout
        self.stderr = stderr
        self.stdout_truncated = stdout_truncated
        self.stderr_truncated = stderr_truncated
        self.policy_error = policy_error
        self.policy_traceback = policy_traceback
        self.hook_error = hook_error
        self.samples = samples

    def _rep(self):
        rep = self._report
        if rep is None:
            # (two threads may both assemble it: the same dict either way)
            rep = self._report = _assemble(*self._raw)
            self._raw = None
        return rep

    def __getattr__(self, name):
        if name.startswith('_'):
            raise AttributeError(name)
        try:
            return self._rep()[name]
        except KeyError:
            if name in _KNOWN_KEYS:
                return None
            raise AttributeError('Result has no field %r' % name) from None

    def __dir__(self):
        return sorted(set(object.__dir__(self)) | set(self._rep()) |
                      _KNOWN_KEYS)

    @property
    def ok(self):
        """True when the verdict is OK."""
        return self.verdict == _c.S_RESULT_OK

    def to_dict(self):
        """The report as sandbox-run writes it (a deep copy)."""
        import json
        return json.loads(json.dumps(self._rep()))

    def to_json(self, **kw):
        """The report as JSON text (json.dumps keyword arguments pass)."""
        import json
        return json.dumps(self._rep(), **kw)

    def __repr__(self):
        r = self._rep()
        return '<sandbox.Result %s cpu=%sus wall=%sus mem=%sB>' % (
            r.get('result'), r.get('cpu_time_us'), r.get('wall_time_us'),
            r.get('memory_peak_bytes'))


# The keys of the report (every one is always present).
_KNOWN_KEYS = frozenset((
    'report_version', 'result', 'result_text', 'exit_code', 'signal',
    'signal_name', 'signal_code', 'signal_code_name', 'limit',
    'quota_exceeded', 'syscall', 'interrupted',
    'interrupted_name',
    'mode', 'policy', 'cpu_time_us', 'cpu_charged_us', 'user_time_us',
    'sys_time_us',
    'wall_time_us', 'memory_peak_bytes', 'memory_refused_bytes',
    'memory_refused_by', 'rss_peak_bytes', 'vm_peak_bytes', 'csw_voluntary',
    'csw_forced', 'output_bytes', 'syscalls', 'tasks_peak', 'tasks_created',
    'processes', 'cpu', 'box_id', 'uid', 'gid', 'supervisor_cpu_us', 'quota', 'command', 'binary', 'isolation',
    'file_rules', 'backtrace', 'backtrace_info',
    'syscall_counts', 'error',
))


_MACHINES = {62: 'x86_64', 3: 'i386', 0: None}


def _binary(b):
    if b is None:
        return None
    machine = _MACHINES.get(b['machine'], b['machine'])
    return {
        'class': b['elf_class'] or None,
        'machine': machine,
        'abi': _c.abi_name(b['abi']) if b['abi'] >= 0 else None,
        'static': b['is_static'],
        'pie': b['is_pie'],
        'script': b['is_script'],
        'interpreter': b['interpreter'] or None,
    }


_BT_REASONS = {_c.S_BT_RF: 'rf', _c.S_BT_SIGNAL: 'signal',
               _c.S_BT_MARKED: 'marked'}


def _backtrace(frames, bi, rep):
    if not frames:
        rep['backtrace'] = rep['backtrace_info'] = None
        return
    rep['backtrace'] = [{
        'pc': '%#x' % f['pc'],
        'module': f['module'],
        'symbol': f['symbol'] or None,
        'offset': f['offset'],
    } for f in frames]
    reason = _BT_REASONS.get(bi['reason'])
    info = {'reason': reason}
    _signal_keys(info, 'signal', bi['signal'])
    info['partial'] = bi['partial']
    info['method'] = ('stack-scan' if bi['stack_scan'] else
                      'frame-pointers' if bi['frame_pointers'] else 'unwind')
    rep['backtrace_info'] = info


def _signal_keys(rep, key, sig):
    """A signal as sandbox-run writes it: its number, and its name under
    key_name (both None when there is none)."""
    rep[key] = sig if sig > 0 else None
    rep[key + '_name'] = signal_name(sig) if sig > 0 else None


def _isolation(st):
    if not st['requested'] & ~_c.S_ISO_CAPS:
        return None
    fs = st['in_effect'] & _c.S_ISO_FS
    return {
        'requested': _iso_names(st['requested']),
        'in_effect': _iso_names(st['in_effect']),
        'cgroup_version': st['cgroup_version'] or None,
        'cgroup_memory_peak_bytes': _figure(st['cg_memory_peak']),
        'cgroup_oom_kills': _figure(st['cg_oom_kills']),
        'cgroup_pids_refused': _figure(st['cg_pids_refused']),
        'box_bytes': _figure(st['box_bytes']) if fs else None,
        'box_peak_bytes': _figure(st['box_peak_bytes']) if fs else None,
        'box_limit_bytes': _figure(st['box_limit']) if fs else None,
        'box_missing': (_figure(st['box_missing'])
                        if st['in_effect'] & _c.S_ISO_BOX else None),
        'box_error': (_figure(st['box_error'])
                      if st['in_effect'] & _c.S_ISO_BOX else None),
        'box_refused': (_figure(st['box_refused'])
                        if st['in_effect'] & _c.S_ISO_BOX else None),
    }


_FILES_BY = ('none', 'landlock', 'mount_view', 'not_enforced')
_LL_NAMES = tuple((getattr(_c, c), n) for c, n in (
    ('S_LL_FS', 'fs'), ('S_LL_REFER', 'refer'),
    ('S_LL_TRUNCATE', 'truncate'), ('S_LL_NET_TCP', 'net_tcp'),
    ('S_LL_IOCTL_DEV', 'ioctl_dev'),
    ('S_LL_SCOPE_SIGNAL', 'scope_signal'),
    ('S_LL_SCOPE_ABSTRACT_UNIX', 'scope_abstract_unix')))


def _files(st, judged):
    """How the policy's file rules were enforced (sandbox-run's
    file_rules): None for a run that could not start."""
    how = st.get('file_rules', -1)
    if not judged or not 0 <= how < len(_FILES_BY):
        return None
    feats = st.get('landlock_features', 0)
    return {
        'enforced_by': _FILES_BY[how],
        'landlock_abi': st.get('landlock_abi') or None,
        'landlock_features': [n for bit, n in _LL_NAMES if feats & bit],
    }


def _counts(counts, rep):
    calls, every = counts
    if not calls:
        rep['syscall_counts'] = None
        return
    rep['syscall_counts'] = {
        'all_syscalls': every,
        'calls': [{'abi': c['abi_name'], 'name': c['name'],
                   'count': c['count'], 'stopped_ns': c['stopped_ns']}
                  for c in calls],
    }


def _policy_label(policy):
    if policy is None:
        return 'default'
    if isinstance(policy, _c.Policy):
        return policy.name
    if isinstance(policy, str):
        return policy
    t = type(policy)
    return 'python:%s.%s' % (t.__module__, t.__qualname__)


def build_report(sb, opts):
    """The Result of sandbox sb's last run. opts (a dict, may be None)
    holds what the caller asked for: policy label, backtrace, quotas and
    modes as given. What the report needs is read from the sandbox now
    (a few microseconds: it may run again, or go, before the report is
    read); the report itself is assembled on first use."""
    opts = opts or {}
    st = sb.stat()
    if st is None:
        raise AssertionError('the sandbox has not run')
    result = st['result_override']
    if result is None:
        result = st['result']
    frames = sb.backtrace()
    # (stat is the caller's to change: the report keeps its own copy)
    raw = (dict(st), result, opts.get('mode'),
           opts.get('policy_label') or _policy_label(
               None if _is_default(sb) else sb.policy),
           opts.get('memory_mode'), sb.quota, sb.stack_quota,
           sb.tasks_quota, sb.task, sb.binary_info(), sb.isolation_stat(),
           frames, sb.backtrace_info() if frames else None,
           sb.syscall_counts())
    return Result(raw, result, st,
                  policy_error=sb.policy_error,
                  policy_traceback=sb.policy_traceback,
                  hook_error=sb.hook_error,
                  **opts.get('extra', {}))


def _assemble(st, result, mode, policy_label, memory_mode, q, stack_quota,
              tasks_quota, task, binary, iso, frames, bt_info, counts):
    """The report, key by key as cli/report.c writes it, from what
    build_report() read."""
    exec_rc = st['exec_rc']
    judged = exec_rc == 0 and result != _c.S_RESULT_PD
    rep = {'report_version': REPORT_VERSION}
    rep['result'] = _c.result_name(result) if judged else None
    rep['result_text'] = (_c.result_text(result) if judged else
                          'not run: the program could not be started')
    rep['exit_code'] = (st['exit_code'] if judged and st['exit_code'] >= 0
                        and st['signal'] == 0 else None)
    _signal_keys(rep, 'signal', st['signal'] if judged else 0)
    known = judged and st['signal'] > 0 and st['has_signal_code']
    rep['signal_code'] = st['signal_code'] if known else None
    rep['signal_code_name'] = (_c.signal_code_name(st['signal'],
                                                   st['signal_code'])
                               if known else None)
    rep['limit'] = None
    if judged and result == _c.S_RESULT_TL:
        rep['limit'] = _TL_LIMITS.get(st['tl_limit'])
    rep['quota_exceeded'] = (_QUOTAS.get(st['quota_exceeded'])
                             if judged else None)
    sc = st['syscall']
    rep['syscall'] = None
    if judged and result == _c.S_RESULT_RF and sc is not None:
        rep['syscall'] = {'abi': sc['abi_name'], 'nr': sc['nr'],
                          'name': sc['name'], 'args': list(sc['args']),
                          'tid': st['syscall_tid'] or None}
    _signal_keys(rep, 'interrupted', st['interrupted'] if judged else 0)
    if mode is None:
        mode = st['mode'] if exec_rc == 0 else _c.S_MODE_FAST
    rep['mode'] = 'classic' if mode == _c.S_MODE_CLASSIC else 'fast'
    rep['policy'] = policy_label
    for key, field in (('cpu_time_us', 'cpu_time_us'),
                       ('cpu_charged_us', 'cpu_charged_us'),
                       ('user_time_us', 'user_time_us'),
                       ('sys_time_us', 'sys_time_us'),
                       ('wall_time_us', 'wall_time_us'),
                       ('memory_peak_bytes', 'memory_peak')):
        rep[key] = _figure(st[field])
    rep['memory_refused_bytes'] = _figure(st['memory_refused_bytes'])
    rep['memory_refused_by'] = _MEMREQ.get(st['memory_refused_by'])
    for key, field in (('rss_peak_bytes', 'rss_peak'),
                       ('vm_peak_bytes', 'vm_peak'),
                       ('csw_voluntary', 'csw_voluntary'),
                       ('csw_forced', 'csw_forced'),
                       ('output_bytes', 'output_bytes')):
        rep[key] = _figure(st[field])
    rep['syscalls'] = _figure(st['syscalls']) if judged else None
    for key in ('tasks_peak', 'tasks_created', 'processes'):
        rep[key] = _figure(st[key]) if judged else None
    rep['cpu'] = _figure(st['cpu'])
    rep['box_id'] = _figure(st['box_id'])
    rep['uid'] = _figure(st['uid'])
    rep['gid'] = _figure(st['gid'])
    rep['supervisor_cpu_us'] = (_figure(st['supervisor_cpu_us']) if judged
                                else None)
    if memory_mode is None:  # the policy's, as the run used it
        memory_mode = st['memory_mode'] if exec_rc == 0 else _c.S_MEMORY_VSIZE
    rep['quota'] = {
        'cpu_ms': _quota(q[_c.S_QUOTA_CPU]),
        'wall_ms': _quota(q[_c.S_QUOTA_WALLCLOCK]),
        'memory_bytes': _quota(q[_c.S_QUOTA_MEMORY]),
        'output_bytes': _quota(q[_c.S_QUOTA_DISK]),
        'stack_bytes': _quota(stack_quota),
        # asked for, else the policy's default cap (the run's figure)
        'tasks': (_quota(tasks_quota)
                  if tasks_quota != _c.SANDBOX_UNLIMITED or not judged
                  else _figure(st['tasks_quota'])),
        'memory_mode': 'rss' if memory_mode == _c.S_MEMORY_RSS else 'vsize',
    }
    rep['command'] = list(task)
    rep['binary'] = _binary(binary)
    rep['isolation'] = _isolation(iso)
    rep['file_rules'] = _files(st, judged)
    _backtrace(frames, bt_info, rep)
    _counts(counts, rep)
    rep['error'] = None if judged else {
        'step': st['failed_step'], 'errno': -exec_rc,
        'message': _c.strerror(exec_rc)}
    return rep


def _is_default(sb):
    p = sb.policy
    return (isinstance(p, _c.SandboxPolicy) and
            type(p).__call__ is _c.SandboxPolicy.__call__)
