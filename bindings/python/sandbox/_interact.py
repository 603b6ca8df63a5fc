"""Interactive judging: sandbox.interact() and Interaction.

    r = sandbox.interact(['./solution'], ['./interactor', '1.in', 'out.txt',
                                          '1.ans'], cpu=1, wall=5)
    print(r.verdict, r.decided_by, r.program.result)

The program's standard output feeds the interactor's standard input and
the other way round; one combined verdict follows the rule of sandbox.h
("Interactive judging") and docs/VERDICTS.md, as `sandbox-run
--interactor` gives it. Interaction.to_json() is sandbox-run's report of
an interactive run, key by key.
"""

import json
import os

from . import _sandbox as _c
from ._modern import Box, parse_size, parse_time
from ._report import REPORT_VERSION, signal_name


class Interaction:
    """What happened in one interactive run.

    verdict: the combined verdict ('OK', 'WA', 'PE', 'PT', 'JF', or the
    program's own 'TL', 'ML', 'RF', 'RT', 'OL', 'AT'; 'IE' interrupted;
    None when it could not run, with error set); decided_by ('program',
    'interactor' or None); interaction: the figures of the exchange (a
    dict: idle for the TL of an idle deadlock, points for PT, the bytes
    each way, ...); program: the program's Result; interactor: the
    interactor's section (a dict, as in sandbox-run's report), and
    interactor_result: its sandbox's Result when it ran in one, else None;
    error: why it could not run, else None. Every top-level key of the
    report is also an attribute: r.interaction['idle'], not r.idle.
    """

    def __init__(self, report, program, interactor_result):
        self._report = report
        self.program = program
        self.interactor_result = interactor_result

    def __getattr__(self, name):
        try:
            return self.__dict__['_report'][name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def accepted(self):
        return self._report['verdict'] == 'OK'

    def to_dict(self):
        """The report as sandbox-run --interactor writes it."""
        d = {}
        for k, v in self._report.items():
            if k == 'interactor':
                d['program'] = self.program.to_dict()
            d[k] = v
        return d

    def to_json(self, **kw):
        return json.dumps(self.to_dict(), **kw)

    def __repr__(self):
        return '<Interaction %s by %s>' % (self.verdict, self.decided_by)


def _interactor_box(interactor, policy, cpu, memory, wall, mode):
    """The interactor's Box when it is to be sandboxed, else None."""
    if isinstance(interactor, Box):
        return interactor
    if policy is None:
        if cpu is not None or memory is not None:
            raise ValueError('interactor_cpu and interactor_memory need '
                             'interactor_policy (quotas need a sandbox)')
        return None
    return Box(interactor, policy=policy, cpu=cpu, memory=memory, wall=wall,
               mode=mode, workdir=os.getcwd(), stderr=None)


def _section(argv, box, d, policy, cpu, memory, wall):
    """The report's interactor section."""
    ran = d['interactor_result'] is not None
    sig = d['interactor_signal'] if ran else 0
    error = None
    if d['interactor_failed_step'] is not None and d['rc'] < 0:
        error = {'step': d['interactor_failed_step'], 'errno': -d['rc'],
                 'message': _c.strerror(d['rc'])}
    elif d['interactor_error']:
        error = {'step': box.sandbox.stat()['failed_step'] if box else None,
                 'errno': d['interactor_error'],
                 'message': _c.strerror(-d['interactor_error'])}
    # A sandboxed interactor's identity: never root (a run slot of its
    # own under a root caller, or the credentials its Box was given).
    ids = box.sandbox.stat() if box is not None and ran else {}
    return {
        'command': list(argv), 'sandboxed': box is not None,
        'policy': policy,
        'uid': ids['uid'] if ids.get('uid', -1) >= 0 else None,
        'box_id': ids['box_id'] if ids.get('box_id', -1) >= 0 else None,
        'result': d['interactor_result'],
        'exit_code': d['interactor_exit_code'] if ran else None,
        'signal': sig or None, 'signal_name': signal_name(sig) if sig else None,
        'cpu_time_us': d['interactor_cpu_time_us'],
        # what its CPU quota charged (sandbox-run's cpu_charged_us)
        'cpu_charged_us': ids['cpu_charged_us']
        if ids.get('cpu_charged_us', -1) >= 0 else None,
        'wall_time_us': d['interactor_wall_time_us'],
        'memory_peak_bytes': d['interactor_memory_peak'],
        'quota': {'cpu_ms': cpu, 'wall_ms': wall, 'memory_bytes': memory},
        'message': d['message'] if d['message_bytes'] is not None else None,
        'message_bytes': d['message_bytes'], 'error': error,
    }


def interact(argv, interactor, *, interactor_policy=None,
             interactor_cpu=None, interactor_memory=None,
             interactor_wall=None, interactor_env=None, log=None,
             **settings):
    """Run argv wired to an interactor and return an Interaction.

    interactor: its command line (argv[0] a path; testlib interactors take
    INPUT OUTPUT [ANSWER]), run as trusted code unless interactor_policy
    (a built-in name, a policy file or module) puts it in a sandbox of its
    own with interactor_cpu and interactor_memory; or a Box of its own.
    interactor_wall bounds it (default: twice wall); interactor_env: its
    environment for a command (None: ours). log: a path, file or
    descriptor for the transcript. settings: sandbox.run()'s for the
    program; wall is required (an idle deadlock ends only by it), and
    stdin/stdout are the interaction's. It runs in the current directory,
    where testlib writes its OUTPUT file.
    """
    for key in ('stdin', 'stdout'):
        if settings.get(key) is not None:
            raise ValueError('%s: the program\'s standard input and output '
                             'are the interactor\'s' % key)
    wall = parse_time(settings.get('wall'), 'wall')
    if wall is None:
        raise ValueError('interact() needs wall: a program and an '
                         'interactor waiting for each other are only ended '
                         'by the wall-clock quota')
    iwall = parse_time(interactor_wall, 'interactor_wall')
    if iwall is None:
        iwall = 2 * wall
    icpu = parse_time(interactor_cpu, 'interactor_cpu')
    imem = parse_size(interactor_memory, 'interactor_memory')
    if isinstance(interactor, Box):
        iargv = list(interactor.sandbox.task)
    else:
        if isinstance(interactor, (str, bytes, os.PathLike)):
            interactor = [interactor]
        iargv = [os.fsdecode(a) for a in interactor]
    ibox = _interactor_box(iargv if not isinstance(interactor, Box)
                           else interactor, interactor_policy,
                           interactor_cpu, interactor_memory,
                           iwall / 1000, settings.get('mode'))
    own_ibox = ibox is not None and ibox is not interactor
    log_file = None
    try:
        if log is None:
            log_fd = -1
        elif isinstance(log, int):
            log_fd = log
        elif isinstance(log, (str, bytes, os.PathLike)):
            log_file = open(log, 'wb')
            log_fd = log_file.fileno()
        else:
            log_fd = log.fileno()
        with Box(argv, **settings) as box:
            if ibox is not None:
                d = box.sandbox.interact(interactor=ibox.sandbox, log=log_fd)
            else:
                d = box.sandbox.interact(command=iargv, env=interactor_env,
                                         wall=iwall, log=log_fd)
            program = box._report()
            ires = ibox._report() if ibox is not None else None
    finally:
        if log_file is not None:
            log_file.close()
        if own_ibox:
            ibox.close()
    judged = d['rc'] == 0 and d['verdict_name'] is not None
    rep = {'report_version': REPORT_VERSION,
           'verdict': d['verdict_name'] if judged else None,
           'verdict_text': (_c.verdict_text(d['verdict']) if judged else
                            'not run: the program or the interactor could '
                            'not be started'),
           'decided_by': d['decided_by'] if judged else None}
    rep['interaction'] = {
        k: d[k] for k in ('program_first', 'idle', 'program_wait',
                          'interactor_wait', 'points', 'to_interactor_bytes',
                          'to_interactor_discarded', 'to_program_bytes',
                          'to_program_discarded')}
    rep['interaction']['log'] = (os.fsdecode(log) if isinstance(
        log, (str, bytes, os.PathLike)) else None)
    rep['interaction']['log_bytes'] = d['log_bytes']
    rep['interaction']['log_truncated'] = d['log_truncated']
    rep['interactor'] = _section(
        iargv, ibox, d, interactor_policy if ibox is not None else None,
        icpu if ibox is not None else None,
        imem if ibox is not None else None, iwall)
    rep['error'] = None
    if not judged:
        # which side could not start: the interactor's command, or the
        # program (as sandbox-run says it)
        step = ('interactor' if d['interactor_failed_step'] is not None
                else d['failed_step'])
        rc = d['rc'] if d['rc'] < 0 else -22
        rep['error'] = {'step': step, 'errno': -rc,
                        'message': _c.strerror(rc)}
    return Interaction(rep, program, ires)


__all__ = ['interact', 'Interaction']
