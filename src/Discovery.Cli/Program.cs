using Discovery.Cli;

using var interrupted = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    interrupted.Cancel();
};
return await CliApp.RunAsync(args, Console.Out, Console.Error, cancellationToken: interrupted.Token);
