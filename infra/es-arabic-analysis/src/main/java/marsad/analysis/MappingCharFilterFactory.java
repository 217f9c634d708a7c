package marsad.analysis;

import java.io.Reader;
import org.apache.lucene.analysis.charfilter.MappingCharFilter;
import org.apache.lucene.analysis.charfilter.NormalizeCharMap;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.CharFilterFactory;

/** Replaces strings before the tokenizer («غ => ج»): the stock mapping char filter, literal rules only (no escapes). */
@NamedComponent("mapping")
public class MappingCharFilterFactory implements CharFilterFactory {

    private final NormalizeCharMap map;

    @Inject
    public MappingCharFilterFactory(MappingSettings settings) {
        NormalizeCharMap.Builder builder = new NormalizeCharMap.Builder();
        for (String rule : settings.mappings()) {
            int arrow = rule.indexOf("=>");
            String from = arrow < 0 ? "" : rule.substring(0, arrow).strip();
            if (from.isEmpty()) {
                throw new IllegalArgumentException("invalid mapping rule [" + rule + "]: expected 'from => to'");
            }
            builder.add(from, rule.substring(arrow + 2).strip());
        }
        this.map = builder.build();
    }

    @Override
    public Reader create(Reader reader) {
        return new MappingCharFilter(map, reader);
    }

    @Override
    public Reader normalize(Reader reader) {
        return create(reader);
    }
}
