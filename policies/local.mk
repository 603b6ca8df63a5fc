# Built-in policies: one file each, linked into the library and listed by
# sandbox_policy_list() (policies/builtin.c holds the table).
libsandbox_libsandbox_la_SOURCES += \
	policies/minimal.c \
	policies/io_heavy.c \
	policies/compute.c \
	policies/network.c \
	policies/unrestricted.c
