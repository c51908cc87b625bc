"""The shell: `route init` templates, the wrappers' calls and hints, and the rc-file install."""
