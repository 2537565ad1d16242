using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Discovery.Testing.Processes;

/// <summary>
/// A program run by a test as a real child process: its output is recorded line by line, a test can wait for a line,
/// and it can be stopped gracefully (SIGTERM) or killed (SIGKILL) like an operator or a crash would.
/// </summary>
public sealed partial class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly SemaphoreSlim _newLine = new(0);

    private ChildProcess(Process process) => _process = process;

    /// <summary>Everything the process printed so far (stdout and stderr, stderr lines prefixed with "err: ").</summary>
    public IReadOnlyList<string> Output => _output.ToList();

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>The exit code once the process has exited, else null.</summary>
    public int? ExitCodeOrNull => _process.HasExited ? _process.ExitCode : null;

    /// <summary>True once the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Starts <c>dotnet <paramref name="dll"/> <paramref name="args"/></c>.</summary>
    public static ChildProcess StartDotnet(string dll, params string[] args) => StartDotnet(new Dictionary<string, string>(), dll, args);

    /// <summary>Starts <c>dotnet <paramref name="dll"/> <paramref name="args"/></c> with <paramref name="environment"/> added to this process's.</summary>
    public static ChildProcess StartDotnet(IReadOnlyDictionary<string, string> environment, string dll, params string[] args) =>
        Start(environment, ["dotnet", dll, .. args], Path.GetDirectoryName(dll)!);

    /// <summary>
    /// Starts <paramref name="command"/> (a program and its arguments) in <paramref name="workingDirectory"/> with
    /// <paramref name="environment"/> added to this process's.
    /// </summary>
    public static ChildProcess Start(IReadOnlyDictionary<string, string> environment, IReadOnlyList<string> command, string workingDirectory)
    {
        var info = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var (name, value) in environment)
            info.Environment[name] = value;
        foreach (var arg in command.Skip(1))
            info.ArgumentList.Add(arg);
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => child.Record(e.Data);
        process.ErrorDataReceived += (_, e) => child.Record(e.Data is null ? null : "err: " + e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits for a line containing <paramref name="text"/>; fails with the output so far if the process exits first.</summary>
    public async Task<string> WaitForLineAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var line = _output.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal));
            if (line is not null)
                return line;
            if (_process.HasExited && !await _newLine.WaitAsync(TimeSpan.FromMilliseconds(200)))
                throw new InvalidOperationException($"process exited with {_process.ExitCode} before printing '{text}'. Output:\n{string.Join('\n', Output)}");
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
                throw new TimeoutException($"no line with '{text}' within {timeout.TotalSeconds} s. Output:\n{string.Join('\n', Output)}");
            await _newLine.WaitAsync(left < TimeSpan.FromMilliseconds(500) ? left : TimeSpan.FromMilliseconds(500));
        }
    }

    /// <summary>Waits for the process to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>Asks the process to stop, as systemd or Ctrl+C would.</summary>
    public void Terminate()
    {
        if (!_process.HasExited)
            _ = Kill(_process.Id, SigTerm);
    }

    /// <summary>Freezes the process (<c>SIGSTOP</c>): it holds its sockets but answers nothing, like a stalled host.</summary>
    public void Pause()
    {
        if (!_process.HasExited)
            _ = Kill(_process.Id, SigStop);
    }

    /// <summary>Lets a paused process run again (<c>SIGCONT</c>).</summary>
    public void Continue()
    {
        if (!_process.HasExited)
            _ = Kill(_process.Id, SigCont);
    }

    /// <summary>Kills the process at once (<c>kill -9</c>): no chance to clean up, like a crash or a power cut.</summary>
    public void KillHard()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        KillHard();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private void Record(string? line)
    {
        if (line is null)
            return;
        _output.Enqueue(line);
        _newLine.Release();
    }

    private const int SigTerm = 15;
    private const int SigStop = 19;
    private const int SigCont = 18;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
