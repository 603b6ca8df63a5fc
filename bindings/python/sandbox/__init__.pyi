# Type stubs of the sandbox package (classic and modern interfaces).
import os
from typing import Any, Callable, Iterable, Mapping, Optional, Sequence, Union

from ._sandbox import *  # noqa: F401,F403  the constants and functions
from ._sandbox import (Policy as Policy, SandboxAction as SandboxAction,
                       SandboxError as SandboxError,
                       SandboxEvent as SandboxEvent,
                       SandboxPolicy as SandboxPolicy)
from ._sandbox import Sandbox as _CSandbox

_Path = Union[str, bytes, os.PathLike]
_Time = Union[None, int, float, str]
_Size = Union[None, int, str]
_In = Union[None, _Path, bytes, int, Any]
_Out = Union[None, _Path, int, Any]
_PolicySpec = Union[None, str, os.PathLike, Policy, SandboxPolicy,
                    Callable[[SandboxEvent, SandboxAction], SandboxAction]]

PIPE: int
DEVNULL: int

class Sandbox(_CSandbox):
    def report(self) -> Result: ...

class Result:
    # the fields of sandbox-run's JSON report (version 2)
    report_version: int
    result: Optional[str]
    result_text: str
    exit_code: Optional[int]
    signal: Optional[int]
    signal_name: Optional[str]
    signal_code: Optional[int]
    signal_code_name: Optional[str]
    limit: Optional[str]
    quota_exceeded: Optional[str]
    syscall: Optional[dict[str, Any]]
    interrupted: Optional[int]
    interrupted_name: Optional[str]
    mode: str
    policy: Optional[str]
    cpu_time_us: Optional[int]
    cpu_charged_us: Optional[int]
    user_time_us: Optional[int]
    sys_time_us: Optional[int]
    wall_time_us: Optional[int]
    memory_peak_bytes: Optional[int]
    rss_peak_bytes: Optional[int]
    vm_peak_bytes: Optional[int]
    csw_voluntary: Optional[int]
    csw_forced: Optional[int]
    box_id: Optional[int]
    uid: Optional[int]
    gid: Optional[int]
    supervisor_cpu_us: Optional[int]
    output_bytes: Optional[int]
    syscalls: Optional[int]
    tasks_peak: Optional[int]
    tasks_created: Optional[int]
    processes: Optional[int]
    cpu: Optional[int]
    quota: dict[str, Any]
    command: list[str]
    binary: Optional[dict[str, Any]]
    isolation: Optional[dict[str, Any]]
    backtrace: Optional[list[dict[str, Any]]]
    backtrace_info: Optional[dict[str, Any]]
    syscall_counts: Optional[dict[str, Any]]
    error: Optional[dict[str, Any]]
    # beyond the report
    verdict: int
    stat: dict[str, Any]
    stdout: Optional[bytes]
    stderr: Optional[bytes]
    stdout_truncated: Optional[bool]
    stderr_truncated: Optional[bool]
    policy_error: Optional[BaseException]
    policy_traceback: Optional[str]
    hook_error: Optional[BaseException]
    samples: Optional[list[tuple[int, int, int, int, int, int]]]
    @property
    def ok(self) -> bool: ...
    def to_dict(self) -> dict[str, Any]: ...
    def to_json(self, **kw: Any) -> str: ...

def parse_time(v: _Time, what: str = ...) -> Optional[int]: ...
def parse_size(v: _Size, what: str = ...) -> Optional[int]: ...

class Box:
    policy: Any
    def __init__(self, argv: Union[_Path, Sequence[_Path]], *,
                 cpu: _Time = ..., wall: _Time = ..., memory: _Size = ...,
                 output: _Size = ..., stack: _Size = ...,
                 tasks: Optional[int] = ..., processes: Optional[int] = ...,
                 memory_mode: Union[str, int] = ...,
                 stdin: _In = ..., stdout: _Out = ..., stderr: _Out = ...,
                 policy: _PolicySpec = ..., mode: Union[None, str, int] = ...,
                 env: Union[None, Mapping[str, str], Sequence[str]] = ...,
                 inherit_env: bool = ..., env_pass: Optional[Iterable[str]] = ...,
                 env_strip: Optional[Iterable[str]] = ...,
                 workdir: Optional[_Path] = ..., chroot: Optional[_Path] = ...,
                 uid: Optional[int] = ..., gid: Optional[int] = ...,
                 groups: Optional[Iterable[int]] = ...,
                 namespaces: Union[None, int, str, Iterable[str]] = ...,
                 hostname: Optional[str] = ...,
                 id_map: Optional[tuple[int, int, int, int]] = ...,
                 rootfs: Optional[_Path] = ..., rootfs_writable: bool = ...,
                 dirs: Iterable[Union[str, tuple[Any, ...]]] = ...,
                 tmpfs_size: _Size = ..., cgroup_parent: Optional[_Path] = ...,
                 cgroup_memory: _Size = ..., cgroup_pids: Optional[int] = ...,
                 cgroup_cpu: Optional[int] = ..., cgroup_version: Optional[int] = ...,
                 rlimits: Optional[Mapping[Union[str, int], _Size]] = ...,
                 drop_caps: Optional[bool] = ..., best_effort: bool = ...,
                 backtrace: Union[bool, int] = ..., profile: bool = ...,
                 sample_interval: Optional[float] = ...,
                 profile_file: _Out = ..., profile_format: str = ...,
                 affinity: Union[None, str, int] = ...,
                 cpus: Union[None, str, Iterable[int]] = ...,
                 observer: Optional[Callable[[SandboxEvent, SandboxAction], Any]] = ...,
                 capture_limit: int = ..., box: bool = ...,
                 copy_in: Iterable[Union[_Path, tuple[_Path, str]]] = ...,
                 copy_out: Iterable[Union[str, tuple[str, _Path]]] = ...,
                 box_id: Optional[int] = ...,
                 box_ids: Optional[tuple[int, int, int]] = ...) -> None: ...
    @property
    def sandbox(self) -> _CSandbox: ...
    def interrupt(self, signo: int = ...) -> None: ...
    def run(self, stdin: _In = ...) -> Result: ...
    def close(self) -> None: ...
    def __enter__(self) -> Box: ...
    def __exit__(self, *exc: Any) -> None: ...

def run(argv: Union[_Path, Sequence[_Path]], **settings: Any) -> Result: ...
def run_cache(size: Optional[int] = ...) -> int: ...

class Interaction:
    # the keys of sandbox-run --interactor's report
    report_version: int
    verdict: Optional[str]
    verdict_text: str
    decided_by: Optional[str]
    interaction: dict[str, Any]
    interactor: dict[str, Any]
    error: Optional[dict[str, Any]]
    program: Result
    interactor_result: Optional[Result]
    @property
    def accepted(self) -> bool: ...
    def to_dict(self) -> dict[str, Any]: ...
    def to_json(self, **kw: Any) -> str: ...

def interact(argv: Union[_Path, Sequence[_Path]],
             interactor: Union[_Path, Sequence[_Path], Box], *,
             interactor_policy: _PolicySpec = ...,
             interactor_cpu: _Time = ..., interactor_memory: _Size = ...,
             interactor_wall: _Time = ...,
             interactor_env: Optional[Sequence[str]] = ...,
             log: Union[None, _Path, int, Any] = ...,
             **settings: Any) -> Interaction: ...
