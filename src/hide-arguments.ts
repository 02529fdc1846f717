// Imported first by the entry point: the process title replaces the command line in the
// process list (on Linux it overwrites /proc/PID/cmdline), so a password given as an argument
// is visible only while Node itself starts. --acctfile and --config keep it out altogether.
process.title = 'ipcheck';
