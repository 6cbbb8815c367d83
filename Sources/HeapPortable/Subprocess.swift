// Running a child process (what Foundation's `Process` gave heaplint verify), with posix_spawn.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum Subprocess {
    public struct SpawnError: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Runs `executable` with `arguments` (argv[1...]) and `environment`, its stdout sent to this process's
    /// stderr (so stdout keeps only heaplint's report), and waits for it. Returns the exit status, or
    /// 128 + the signal number when a signal ended it.
    public static func runWithStdoutOnStderr(_ executable: String, arguments: [String], environment: [String: String]) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, 2, 1)

        let argv = ([executable] + arguments).map { strdup($0) }
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") }
        defer { for p in argv + envp { free(p) } }
        var cArgv = argv + [nil]
        var cEnvp = envp + [nil]
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, nil, &cArgv, &cEnvp)
        guard spawned == 0 else {
            throw SpawnError(description: "\(executable): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw SpawnError(description: "waitpid: \(String(cString: strerror(errno)))") }
        }
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }
}
