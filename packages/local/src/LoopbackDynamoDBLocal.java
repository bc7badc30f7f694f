import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * DynamoDB Local as `java -jar DynamoDBLocal.jar` runs it (same arguments), with two changes
 * the jar offers no option for. dynamo.ts compiles it once (into node_modules/.cache) and runs
 * it with the jar on the class path.
 *
 * 1. It listens on 127.0.0.1 only. The jar builds Jetty's `new Server(port)`, whose connector
 *    has no host and so binds every interface: anyone on the same network could read and change
 *    the whole table. The connector is set to loopback before it is started.
 * 2. It ends when the process that started it ends, however that ends (kill -9 included): that
 *    process holds our standard input, and the kernel closes it when the process dies.
 */
public class LoopbackDynamoDBLocal {
  public static void main(String[] args) throws Exception {
    String host = System.getProperty("jinguo.dynamodb.host", "127.0.0.1");
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    // The jar keeps its Jetty server in a private field; there is no other way to reach it.
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    Connector[] connectors = server.getConnectors();
    if (connectors.length == 0) throw new IllegalStateException("DynamoDB Local has no connector to bind");
    for (Connector connector : connectors) {
      // Fail rather than listen everywhere if a new jar builds its server differently.
      if (!(connector instanceof ServerConnector)) throw new IllegalStateException("unexpected connector " + connector);
      ((ServerConnector) connector).setHost(host);
    }

    Thread watchdog = new Thread(() -> {
      try {
        while (System.in.read() != -1) {
          // nothing is ever sent: only the end of the stream matters
        }
      } catch (Exception closed) {
        // a broken pipe means the same: the parent is gone
      }
      try {
        proxy.stop();
      } catch (Exception ignored) {
        // exiting anyway
      }
      Runtime.getRuntime().halt(0);
    }, "parent-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();

    proxy.start();
  }
}
