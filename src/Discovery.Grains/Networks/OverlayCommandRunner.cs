using System.Diagnostics;
using Discovery.Network.Overlay;

namespace Discovery.Grains.Networks;

/// <summary>What a command printed and how it ended.</summary>
public sealed record OverlayCommandResult(int ExitCode, string Output, string Error)
{
    /// <summary>Whether it succeeded.</summary>
    public bool Ok => ExitCode == 0;
}

/// <summary>Runs <c>ip</c> and <c>bridge</c> on the silo's host (replaced in tests, which have no root).</summary>
public interface IOverlayCommandRunner
{
    /// <summary>Runs <paramref name="command"/> to its end.</summary>
    Task<OverlayCommandResult> RunAsync(OverlayCommand command, CancellationToken cancellationToken = default);
}

/// <summary>A command of the overlay failed: the command and what it printed on stderr.</summary>
public sealed class OverlayCommandException(string message) : Exception(message);

/// <summary>Runs the commands as real processes, found on the PATH.</summary>
public sealed class ProcessOverlayCommandRunner : IOverlayCommandRunner
{
    /// <inheritdoc />
    public async Task<OverlayCommandResult> RunAsync(OverlayCommand command, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo(command.Program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in command.Arguments)
            start.ArgumentList.Add(argument);
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new OverlayCommandException($"`{command}` could not be started ({e.Message}): is iproute2 installed?");
        }
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return new OverlayCommandResult(process.ExitCode, await output, await error);
    }
}
