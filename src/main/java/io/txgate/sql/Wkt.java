package io.txgate.sql;

import io.vertx.mysqlclient.data.spatial.Geometry;
import io.vertx.mysqlclient.data.spatial.GeometryCollection;
import io.vertx.mysqlclient.data.spatial.LineString;
import io.vertx.mysqlclient.data.spatial.MultiLineString;
import io.vertx.mysqlclient.data.spatial.MultiPoint;
import io.vertx.mysqlclient.data.spatial.MultiPolygon;
import io.vertx.mysqlclient.data.spatial.Point;
import io.vertx.mysqlclient.data.spatial.Polygon;
import java.util.List;
import java.util.function.Function;

/**
 * Writes a spatial value as OGC Well-Known Text, the form MySQL's {@code ST_AsText} gives and
 * {@code ST_GeomFromText} reads: {@code POINT(1 2)}, {@code POLYGON((0 0,1 0,1 1,0 0))}.
 */
final class Wkt {

  private Wkt() {
  }

  static String of(Geometry g) {
    StringBuilder sb = new StringBuilder();
    write(g, sb);
    return sb.toString();
  }

  private static void write(Geometry g, StringBuilder sb) {
    if (g instanceof Point p) {
      sb.append("POINT(");
      coords(p, sb);
      sb.append(')');
    } else if (g instanceof LineString l) {
      sb.append("LINESTRING");
      points(l.getPoints(), sb);
    } else if (g instanceof Polygon p) {
      sb.append("POLYGON");
      list(p.getLineStrings(), sb, l -> l.getPoints(), Wkt::points);
    } else if (g instanceof MultiPoint m) {
      sb.append("MULTIPOINT");
      points(m.getPoints(), sb);
    } else if (g instanceof MultiLineString m) {
      sb.append("MULTILINESTRING");
      list(m.getLineStrings(), sb, LineString::getPoints, Wkt::points);
    } else if (g instanceof MultiPolygon m) {
      sb.append("MULTIPOLYGON(");
      List<Polygon> polygons = m.getPolygons();
      for (int i = 0; i < polygons.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        list(polygons.get(i).getLineStrings(), sb, LineString::getPoints, Wkt::points);
      }
      sb.append(')');
    } else if (g instanceof GeometryCollection c) {
      sb.append("GEOMETRYCOLLECTION(");
      List<Geometry> all = c.getGeometries();
      for (int i = 0; i < all.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        write(all.get(i), sb);
      }
      sb.append(')');
    } else {
      throw new IllegalArgumentException("unknown geometry " + g.getClass().getName());
    }
  }

  private static <T> void list(List<T> items, StringBuilder sb, Function<T, List<Point>> pointsOf,
                               PointsWriter writer) {
    sb.append('(');
    for (int i = 0; i < items.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      writer.write(pointsOf.apply(items.get(i)), sb);
    }
    sb.append(')');
  }

  private interface PointsWriter {
    void write(List<Point> points, StringBuilder sb);
  }

  private static void points(List<Point> points, StringBuilder sb) {
    sb.append('(');
    for (int i = 0; i < points.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      coords(points.get(i), sb);
    }
    sb.append(')');
  }

  private static void coords(Point p, StringBuilder sb) {
    sb.append(number(p.getX())).append(' ').append(number(p.getY()));
  }

  private static String number(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }
}
